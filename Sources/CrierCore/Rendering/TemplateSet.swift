/// An SMS template: `templates/NAME.sms.mustache`.
package struct SMSTemplate: Sendable {
    /// The template's name.
    package var name: String
    /// The message body.
    package var body: CompiledTemplate
}

/// An email template: `templates/NAME.email.mustache` (front matter + plain text) and
/// optionally `templates/NAME.email.html.mustache`.
package struct EmailTemplate: Sendable {
    /// The template's name.
    package var name: String
    /// Subject line (required).
    package var subject: CompiledTemplate
    /// Reply-To override.
    package var replyTo: CompiledTemplate?
    /// Cc addresses.
    package var cc: CompiledTemplate?
    /// Bcc addresses.
    package var bcc: CompiledTemplate?
    /// Plain-text body.
    package var text: CompiledTemplate
    /// HTML alternative, HTML-escaped.
    package var html: CompiledTemplate?
    /// `attachments:` of the front matter.
    package var attachments: [AttachmentTemplate] = []

    /// Every part, for variable checks (the PDF templates aside: see `TemplateSet.variables`).
    package var parts: [CompiledTemplate] {
        [subject, text] + [replyTo, cc, bcc, html].compactMap { $0 } + attachments.flatMap(\.parts)
    }
}

/// All templates of a config repository by channel and name.
package struct TemplateSet: Sendable {
    /// SMS templates by name.
    package var sms: [String: SMSTemplate] = [:]
    /// Email templates by name.
    package var email: [String: EmailTemplate] = [:]
    /// PDF attachment templates by name (`templates/NAME.pdf.mustache`, Pango markup, escaped).
    package var pdf: [String: CompiledTemplate] = [:]
    /// Names (as `channel:name`) whose files exist but did not compile.
    package var broken: Set<String> = []

    /// An empty set.
    package init() {}

    /// Whether a template file of `name` exists for `channel` (compiled or not).
    package func has(_ name: String, for channel: Channel) -> Bool {
        switch channel {
        case .sms: return sms[name] != nil || broken.contains("sms:\(name)")
        case .email: return email[name] != nil || broken.contains("email:\(name)")
        }
    }

    /// Sorted names of the templates for `channel`.
    package func names(for channel: Channel) -> [String] {
        let compiled = channel == .sms ? Array(sms.keys) : Array(email.keys)
        let failed = broken.filter { $0.hasPrefix("\(channel.rawValue):") }.map { String($0.dropFirst(channel.rawValue.count + 1)) }
        return Array(Set(compiled + failed)).sorted()
    }

    /// Non-nil (and non-empty) when the template exists but failed to compile.
    package func problems(_ name: String, for channel: Channel) -> [String]? {
        broken.contains("\(channel.rawValue):\(name)") ? ["broken"] : nil
    }

    /// The variables the template of `name` uses, across all its parts.
    package func variables(_ name: String, for channel: Channel) -> [CompiledTemplate] {
        switch channel {
        case .sms: return sms[name].map { [$0.body] } ?? []
        case .email:
            guard let template = email[name] else { return [] }
            return template.parts + template.attachments.compactMap { attachment in
                if case .pdf(let name) = attachment.source { return pdf[name] }
                return nil
            }
        }
    }
}
