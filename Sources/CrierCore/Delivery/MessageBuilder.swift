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
            let sms = item.content?.sms ?? SMSContent(body: "", segments: 1, encoding: "GSM-7")
            return .sms(itemID: item.id, SMSMessage(recipient: item.recipient, body: sms.body, segments: sms.segments, encoding: sms.encoding))
        case .email:
            guard let from = email.from else { throw MIMEError.invalidMailbox("(no email.from in crier.yaml)") }
            let content = item.content?.email ?? EmailContent(body: "")
            let files = try (content.attachments ?? []).map { planned in
                guard let attachments else { throw AttachmentProblem("\(planned.filename): crier was built without attachments") }
                return try attachments.load(planned, created: item.slot.date)
            }
            let message = EmailMessage(
                from: from,
                to: [try Mailbox.parse(item.recipient)],
                cc: try content.cc.map(Mailbox.parseList) ?? [],
                bcc: try content.bcc.map(Mailbox.parseList) ?? [],
                replyTo: try content.replyTo.map(Mailbox.parseList) ?? email.replyTo,
                subject: content.subject ?? "",
                date: date,
                timeZone: timeZone,
                messageID: "\(item.id)@\(from.domain)",
                text: content.body,
                html: content.html,
                envelopeFrom: email.envelopeFrom,
                envelopeBcc: email.archiveBcc.map { [$0] } ?? [],
                attachments: files)
            return .email(itemID: item.id, message)
        }
    }
}
