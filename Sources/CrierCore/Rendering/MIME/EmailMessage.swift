import Foundation

/// One outgoing email: envelope-facing headers plus a plain body and an optional HTML alternative.
package struct EmailMessage: Sendable, Equatable {
    /// The author (`From:`).
    package var from: Mailbox
    /// Primary recipients (`To:`); the header is omitted when empty.
    package var to: [Mailbox]
    /// Carbon-copy recipients (`Cc:`); the header is omitted when empty.
    package var cc: [Mailbox]
    /// Blind-copy recipients; written as `Bcc:` only when serialising with `includeBcc: true`.
    package var bcc: [Mailbox]
    /// Reply addresses (`Reply-To:`); the header is omitted when empty.
    package var replyTo: [Mailbox]
    /// The subject, any Unicode text without CR or LF.
    package var subject: String
    /// The instant written in the `Date:` header.
    package var date: Date
    /// The zone whose local time and offset the `Date:` header shows.
    package var timeZone: TimeZone
    /// The Message-ID without angle brackets, e.g. `3f2a9c@acme.example`; also seeds the multipart boundary.
    package var messageID: String
    /// The plain-text body (any line endings; normalised to CRLF on output).
    package var text: String
    /// An optional HTML alternative; when set the message is `multipart/alternative`.
    package var html: String?
    /// The envelope sender (SMTP MAIL FROM, the Return-Path bounces go to); nil: `from`'s address.
    package var envelopeFrom: String?
    /// Envelope-only recipients (`archive_bcc`): they get the message but appear in no header.
    package var envelopeBcc: [String]
    /// Files attached; when any, the message is `multipart/mixed`.
    package var attachments: [MailAttachment]

    /// The SMTP MAIL FROM address.
    package var envelopeSender: String { envelopeFrom ?? from.address }

    /// Every envelope recipient once, in order: To, Cc, Bcc, then the envelope-only ones.
    package var envelopeRecipients: [String] {
        var recipients: [String] = []
        for address in (to + cc + bcc).map(\.address) + envelopeBcc where !recipients.contains(address) {
            recipients.append(address)
        }
        return recipients
    }

    /// Creates a message; nothing is validated until `serialize(includeBcc:)`.
    package init(
        from: Mailbox,
        to: [Mailbox],
        cc: [Mailbox] = [],
        bcc: [Mailbox] = [],
        replyTo: [Mailbox] = [],
        subject: String,
        date: Date,
        timeZone: TimeZone,
        messageID: String,
        text: String,
        html: String? = nil,
        envelopeFrom: String? = nil,
        envelopeBcc: [String] = [],
        attachments: [MailAttachment] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.timeZone = timeZone
        self.messageID = messageID
        self.text = text
        self.html = html
        self.envelopeFrom = envelopeFrom
        self.envelopeBcc = envelopeBcc
        self.attachments = attachments
    }
}

/// Why a message or mailbox cannot be turned into MIME; carries header names or mailbox text, never body text.
package enum MIMEError: Error, Equatable, Sendable {
    /// A header value holds CR or LF (or, for Message-ID, is otherwise malformed); the caller skips the message with reason `invalid-header`.
    case invalidHeader(name: String)
    /// The text is not a usable mailbox (carries the offending text).
    case invalidMailbox(String)

    /// A one-line, human-readable description safe for logs (CR, LF and other controls are escaped).
    package var message: String {
        switch self {
        case .invalidHeader(let name):
            "header \(Self.escaped(name)) has an invalid value (line break or forbidden character)"
        case .invalidMailbox(let text):
            "invalid mailbox: \(Self.escaped(text))"
        }
    }

    /// Escapes control characters so the message stays on one log line.
    private static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": result += "\\r"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
