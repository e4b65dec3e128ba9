import Foundation

/// Turns a planned item into the message a transport delivers.
package struct MessageBuilder: Sendable {
    /// Email settings (From, Reply-To).
    package var email: EmailSettings
    /// Zone for the Date header.
    package var timeZone: TimeZone
    /// Makes the attachments' bytes (PDF layout, files under attachments_dir).
    package var attachments: (any AttachmentSource)?

    /// A builder over `email` settings.
    package init(email: EmailSettings, timeZone: TimeZone, attachments: (any AttachmentSource)? = nil) {
        self.email = email
        self.timeZone = timeZone
        self.attachments = attachments
    }

    /// The outbound message for `item`, sent at `date`; throws MIMEError for bad addresses and
    /// AttachmentProblem for an attachment that cannot be made (a PDF is dated at the item's slot).
    package func message(for item: PlanItem, date: Date) throws -> OutboundMessage {
        switch item.channel {
        case .sms:
            return .sms(itemID: item.id, SMSMessage(recipient: item.recipient, body: item.body ?? "",
                                                    segments: item.segments ?? 1, encoding: item.encoding ?? "GSM-7"))
        case .email:
            guard let from = email.from else { throw MIMEError.invalidMailbox("(no email.from in crier.yaml)") }
            let files = try (item.attachments ?? []).map { planned in
                guard let attachments else { throw AttachmentProblem("\(planned.filename): crier was built without attachments") }
                return try attachments.load(planned, created: item.slot.date)
            }
            let message = EmailMessage(
                from: from,
                to: [try Mailbox.parse(item.recipient)],
                cc: try item.cc.map(Mailbox.parseList) ?? [],
                bcc: try item.bcc.map(Mailbox.parseList) ?? [],
                replyTo: try item.replyTo.map(Mailbox.parseList) ?? email.replyTo,
                subject: item.subject ?? "",
                date: date,
                timeZone: timeZone,
                messageID: "\(item.id)@\(from.domain)",
                text: item.body ?? "",
                html: item.html,
                envelopeFrom: email.envelopeFrom,
                envelopeBcc: email.archiveBcc.map { [$0] } ?? [],
                attachments: files)
            return .email(itemID: item.id, message)
        }
    }
}
