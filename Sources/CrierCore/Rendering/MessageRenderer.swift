/// Renders a schedule's template for one row, or says why the message cannot go out.
package struct MessageRenderer: Sendable {
    /// The templates.
    package var templates: TemplateSet
    /// SMS limits.
    package var sms: SMSSettings
    /// Checks `file:` attachments at planning; nil: by their path's text only.
    package var attachmentFiles: (any AttachmentSource)?

    /// A renderer over `templates` with `sms` limits.
    package init(templates: TemplateSet, sms: SMSSettings, attachmentFiles: (any AttachmentSource)? = nil) {
        self.templates = templates
        self.sms = sms
        self.attachmentFiles = attachmentFiles
    }

    /// The message for `row` on `channel`, or the reason it is skipped (with what could be rendered).
    package func render(_ schedule: Schedule, channel: Channel, row: Row, engine: [String: Any]) -> (MessageContent?, SkipReason?) {
        let context = RenderContext(row: row, engine: engine)
        switch channel {
        case .sms:
            guard let template = templates.sms[schedule.template] else { return (nil, .missingVariable("template")) }
            let body = trimTrailing(template.body.render(context))
            if let name = context.missing.first { return (nil, .missingVariable(name)) }
            if let name = context.invalidText.first { return (nil, .invalidText(name)) }
            let measure = SMSMeasure.of(body)
            return (.sms(SMSContent(body: body, measure: measure)), measure.fits(maxSegments: sms.maxSegments) ? nil : .tooLong)
        case .email:
            guard let template = templates.email[schedule.template] else { return (nil, .missingVariable("template")) }
            var message = EmailContent(body: template.text.render(context), subject: trimTrailing(template.subject.render(context)))
            message.html = template.html?.render(context)
            func header(_ part: CompiledTemplate?) -> String? {
                guard let part else { return nil }
                let value = trimTrailing(part.render(context)).trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            message.replyTo = header(template.replyTo)
            message.cc = header(template.cc)
            message.bcc = header(template.bcc)
            if !template.attachments.isEmpty {
                let attachments = template.attachments.compactMap { attachment -> PlannedAttachment? in
                    if let when = attachment.when, when.render(context).isEmpty { return nil }
                    switch attachment.source {
                    case .pdf(let name):
                        return PlannedAttachment(filename: header(attachment.filename) ?? "\(name).pdf", pdf: name,
                                                 markup: templates.pdf[name]?.render(context) ?? "")
                    case .file(let path):
                        let file = trimTrailing(path.render(context)).trimmingCharacters(in: .whitespaces)
                        return PlannedAttachment(filename: header(attachment.filename) ?? String(file.split(separator: "/").last ?? ""), file: file)
                    }
                }
                message.attachments = attachments.isEmpty ? nil : attachments
            }
            if let name = context.missing.first { return (nil, .missingVariable(name)) }
            if let name = context.invalidText.first { return (nil, .invalidText(name)) }
            let filenames = (message.attachments ?? []).map { ("filename", Optional($0.filename)) }
            for (name, value) in [("subject", message.subject), ("reply_to", message.replyTo), ("cc", message.cc), ("bcc", message.bcc)] + filenames {
                // A line break is a CR or LF byte in UTF-8 (checked by bytes: by characters it was
                // three string comparisons a character).
                if let value, value.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
                    return (.email(message), .invalidHeader(name))
                }
            }
            for (name, value) in [("reply_to", message.replyTo), ("cc", message.cc), ("bcc", message.bcc)] {
                if let value, (try? Mailbox.parseList(value)) == nil { return (.email(message), .invalidHeader(name)) }
            }
            for index in (message.attachments ?? []).indices {
                guard let path = message.attachments?[index].file else { continue }
                guard PlannedAttachment.staysInside(path) else { return (.email(message), .invalidAttachment) }
                switch attachmentFiles?.inspect(path: path) {
                case .success(let size)?: message.attachments?[index].size = size
                case .failure?: return (.email(message), .invalidAttachment)
                case nil: break
                }
            }
            return (.email(message), nil)
        }
    }

    private func trimTrailing(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace || last.isNewline { text.removeLast() }
        return String(text)
    }
}
