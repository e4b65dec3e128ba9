import Yams

/// An email template's `attachments:` entry.
package struct AttachmentTemplate: Sendable {
    /// Where the content comes from.
    package enum Source: Sendable {
        /// `pdf: NAME`: templates/NAME.pdf.mustache, Pango markup laid out as an A4 PDF.
        case pdf(String)
        /// `file: PATH`: a file under `attachments_dir` (the path is a template).
        case file(CompiledTemplate)
    }

    /// The content's source.
    package var source: Source
    /// `filename:` (a template); nil: `NAME.pdf`, or the file's own name.
    package var filename: CompiledTemplate?
    /// `when: COLUMN`: attached only to rows where the column is not NULL (e.g. Smart's "PDF Email").
    package var when: CompiledTemplate?
    /// Where the entry is, for errors.
    package var location: FileLocation

    /// The templates of this entry (for variable checks), the PDF template aside.
    package var parts: [CompiledTemplate] {
        var parts = [filename, when].compactMap { $0 }
        if case .file(let path) = source { parts.append(path) }
        return parts
    }
}

extension TemplateSet {
    /// The suffix of PDF templates.
    static let pdfSuffix = ".pdf.mustache"

    /// Reads `attachments:` of an email template's front matter.
    static func loadAttachments(_ node: Node, in front: YAMLFile, into diagnostics: inout DiagnosticCollector) -> [AttachmentTemplate] {
        guard let entries = node.sequence else {
            diagnostics.add(front.error("\"attachments\" must be a list", at: node,
                                        hint: "Write e.g. `attachments: [{ pdf: job-sheet, filename: \"Job {{key}}.pdf\" }]`"))
            return []
        }
        var attachments: [AttachmentTemplate] = []
        for entry in entries {
            guard let mapping = YAMLMapping.read(entry, in: front, what: "an attachment", into: &diagnostics) else { continue }
            mapping.rejectUnknownKeys(allowed: ["pdf", "file", "filename", "when"], in: "an attachment", into: &diagnostics)
            func compile(_ key: String) -> CompiledTemplate? {
                guard let text = mapping.string(key, in: "an attachment", into: &diagnostics), let node = mapping[key] else { return nil }
                return CompiledTemplate.compile(text, at: front.location(of: node), html: false, into: &diagnostics)
            }
            let location = front.location(of: entry)
            let source: AttachmentTemplate.Source
            switch (mapping["pdf"], mapping["file"]) {
            case (_?, _?):
                diagnostics.add(front.error("an attachment is either `pdf:` or `file:`, not both", at: entry))
                continue
            case (_?, nil):
                guard let name = mapping.string("pdf", in: "an attachment", into: &diagnostics) else { continue }
                source = .pdf(name)
            case (nil, _?):
                guard let path = compile("file") else { continue }
                source = .file(path)
            case (nil, nil):
                diagnostics.add(front.error("an attachment needs `pdf: TEMPLATE` or `file: PATH`", at: entry,
                                            hint: "pdf: names templates/NAME.pdf.mustache; file: a path under attachments_dir"))
                continue
            }
            var when: CompiledTemplate?
            if let column = mapping.string("when", in: "an attachment", into: &diagnostics), let node = mapping["when"] {
                // A section of the column: it renders only when the column is not NULL, and
                // the column's name is checked against the query like any variable.
                when = CompiledTemplate.compile("{{#\(column)}}x{{/\(column)}}", at: front.location(of: node), html: false, into: &diagnostics)
            }
            attachments.append(AttachmentTemplate(source: source, filename: compile("filename"), when: when, location: location))
        }
        return attachments
    }

    /// Reports the `pdf:` attachments whose template does not exist; their email templates
    /// become broken so that schedules using them do not run.
    mutating func checkPDFReferences(into diagnostics: inout DiagnosticCollector) {
        for (name, template) in email.sorted(by: { $0.key < $1.key }) {
            for attachment in template.attachments {
                guard case .pdf(let pdfName) = attachment.source, pdf[pdfName] == nil else { continue }
                if !broken.contains("pdf:\(pdfName)") {
                    diagnostics.error("attachment pdf \"\(pdfName)\": there is no templates/\(pdfName)\(Self.pdfSuffix)", at: attachment.location,
                                      hint: Suggestion.closest(to: pdfName, in: Array(pdf.keys)).map { "Did you mean \"\($0)\"?" }
                                          ?? "Create templates/\(pdfName)\(Self.pdfSuffix) with the Pango markup of the document")
                }
                email[name] = nil
                broken.insert("email:\(name)")
            }
        }
    }
}
