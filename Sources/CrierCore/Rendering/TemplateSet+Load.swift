import Yams

extension TemplateSet {
    /// Builds the set from template files (`path` relative to the config folder, e.g.
    /// `templates/appointment-reminder.sms.mustache`). Problems are collected per file; a file
    /// in `unreadable` (not UTF-8) gets its error and counts as a broken template.
    package static func load(files: [(path: String, text: String)], unreadable: [String: Diagnostic] = [:],
                             into diagnostics: inout DiagnosticCollector) -> TemplateSet {
        var set = TemplateSet()
        for file in files {
            guard let problem = unreadable[file.path] else { continue }
            diagnostics.add(problem)
            let name = String(file.path.split(separator: "/").last ?? "")
            for channel in Channel.allCases {
                for suffix in [".\(channel.rawValue).mustache", ".\(channel.rawValue).html.mustache"] where name.hasSuffix(suffix) {
                    set.broken.insert("\(channel.rawValue):\(name.dropLast(suffix.count))")
                }
            }
        }
        let files = files.filter { unreadable[$0.path] == nil }
        var htmlParts: [String: (path: String, text: String)] = [:]
        for file in files {
            let name = String(file.path.split(separator: "/").last ?? "")
            if name.hasSuffix(".email.html.mustache") {
                htmlParts[String(name.dropLast(".email.html.mustache".count))] = file
            }
        }
        for file in files.sorted(by: { $0.path < $1.path }) {
            let name = String(file.path.split(separator: "/").last ?? "")
            let start = FileLocation(file: file.path, line: 1, column: 1)
            if name.hasSuffix(".sms.mustache") {
                let id = String(name.dropLast(".sms.mustache".count))
                if let body = CompiledTemplate.compile(file.text, at: start, html: false, into: &diagnostics) {
                    set.sms[id] = SMSTemplate(name: id, body: body)
                } else {
                    set.broken.insert("sms:\(id)")
                }
            } else if name.hasSuffix(".email.mustache") {
                let id = String(name.dropLast(".email.mustache".count))
                let html = htmlParts[id]
                if let template = loadEmail(id: id, path: file.path, text: file.text, html: html, into: &diagnostics) {
                    set.email[id] = template
                } else {
                    set.broken.insert("email:\(id)")
                }
            } else if name.hasSuffix(pdfSuffix) {
                let id = String(name.dropLast(pdfSuffix.count))
                if let markup = CompiledTemplate.compile(file.text, at: start, html: true, into: &diagnostics) {
                    set.pdf[id] = markup
                } else {
                    set.broken.insert("pdf:\(id)")
                }
            } else if name.hasSuffix(".email.html.mustache") {
                let id = String(name.dropLast(".email.html.mustache".count))
                if !files.contains(where: { $0.path.hasSuffix("/\(id).email.mustache") || $0.path == "\(id).email.mustache" }) {
                    diagnostics.warning("HTML template without a plain-text one: it is never used", at: start,
                                        hint: "Add templates/\(id).email.mustache with the subject and text body")
                }
            } else {
                diagnostics.warning("not a template name crier knows; ignored", at: FileLocation(file: file.path),
                                    hint: "Name templates NAME.sms.mustache, NAME.email.mustache, NAME.email.html.mustache or NAME.pdf.mustache")
            }
        }
        set.checkPDFReferences(into: &diagnostics)
        return set
    }

    private static func loadEmail(id: String, path: String, text: String, html: (path: String, text: String)?, into diagnostics: inout DiagnosticCollector) -> EmailTemplate? {
        let before = diagnostics.diagnostics.count
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard lines.first == "---", let close = lines.dropFirst().firstIndex(of: "---") else {
            diagnostics.error("an email template starts with front matter: a `---` line, `subject: ...`, and another `---` line",
                              at: FileLocation(file: path, line: 1, column: 1),
                              hint: "Put the subject between two --- lines above the body")
            return nil
        }
        let front = YAMLFile(path: path, text: lines[0..<close].joined(separator: "\n"))
        guard case .success(let root?) = front.compose(), let mapping = YAMLMapping.read(root, in: front, what: "the front matter", into: &diagnostics) else {
            if case .failure(let diagnostic) = front.compose() { diagnostics.add(diagnostic) }
            else { diagnostics.error("the front matter needs `subject:`", at: FileLocation(file: path, line: 2, column: 1)) }
            return nil
        }
        mapping.rejectUnknownKeys(allowed: ["subject", "reply_to", "cc", "bcc", "attachments"], in: "the front matter", into: &diagnostics)
        func part(_ key: String, required: Bool) -> CompiledTemplate? {
            guard let value = mapping.string(key, required: required, in: "the front matter", into: &diagnostics),
                  let node = mapping[key] else { return nil }
            return CompiledTemplate.compile(value, at: front.location(of: node), html: false, into: &diagnostics)
        }
        let subject = part("subject", required: true)
        let replyTo = part("reply_to", required: false)
        let cc = part("cc", required: false)
        let bcc = part("bcc", required: false)
        let attachments = mapping["attachments"].map { loadAttachments($0, in: front, into: &diagnostics) } ?? []
        let bodyText = lines[(close + 1)...].joined(separator: "\n")
        let body = CompiledTemplate.compile(bodyText, at: FileLocation(file: path, line: close + 2, column: 1), html: false, into: &diagnostics)
        var htmlTemplate: CompiledTemplate?
        if let html {
            htmlTemplate = CompiledTemplate.compile(html.text, at: FileLocation(file: html.path, line: 1, column: 1), html: true, into: &diagnostics)
            if htmlTemplate == nil { return nil }
        }
        guard !diagnostics.diagnostics[before...].contains(where: { $0.severity == .error }), let subject, let body else { return nil }
        return EmailTemplate(name: id, subject: subject, replyTo: replyTo, cc: cc, bcc: bcc, text: body, html: htmlTemplate,
                             attachments: attachments)
    }
}
