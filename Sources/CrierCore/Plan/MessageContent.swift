/// What one planned message says: an SMS or an email, each with only its own fields.
package enum MessageContent: Sendable, Equatable {
    /// An SMS text with its size.
    case sms(SMSContent)
    /// An email's headers, bodies and attachments (boxed: its seven fields would otherwise
    /// widen every plan item, SMS ones too, by about 70 bytes).
    indirect case email(EmailContent)

    /// The SMS text or the plain-text email body.
    package var body: String {
        switch self {
        case .sms(let sms): return sms.body
        case .email(let email): return email.body
        }
    }

    /// The SMS content, when it is one.
    package var sms: SMSContent? {
        if case .sms(let sms) = self { return sms }
        return nil
    }

    /// The email content, when it is one.
    package var email: EmailContent? {
        if case .email(let email) = self { return email }
        return nil
    }
}

/// An SMS text, its segments and its encoding (GSM-7 or UCS-2).
package struct SMSContent: Sendable, Equatable {
    /// The text.
    package var body: String
    /// How many segments it takes.
    package var segments: Int
    /// GSM-7 or UCS-2.
    package var encoding: String

    /// The text `body` measured as `segments` in `encoding`.
    package init(body: String, segments: Int, encoding: String) {
        self.body = body
        self.segments = segments
        self.encoding = encoding
    }

    /// The text `body` as `measure` measured it.
    package init(body: String, measure: SMSMeasure) {
        self.init(body: body, segments: measure.segments, encoding: measure.encoding.rawValue)
    }
}

/// An email: plain-text body, subject, optional HTML alternative, header overrides (as
/// rendered) and attachments (PDF markup or file paths; the bytes are made at delivery).
package struct EmailContent: Sendable, Equatable {
    /// The plain-text body.
    package var body: String
    /// The subject.
    package var subject: String?
    /// The HTML alternative.
    package var html: String?
    /// Reply-To override.
    package var replyTo: String?
    /// Cc.
    package var cc: String?
    /// Bcc.
    package var bcc: String?
    /// Attachments.
    package var attachments: [PlannedAttachment]?

    /// An email with `body` and `subject`; the other fields are absent.
    package init(body: String, subject: String? = nil) {
        self.body = body
        self.subject = subject
    }
}
