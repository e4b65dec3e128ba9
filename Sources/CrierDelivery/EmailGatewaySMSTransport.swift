import CrierCore
import Foundation

/// Sends each SMS as a plain email to `<digits of the number>@domain` through the email
/// transport (carriers' and resellers' email-to-SMS, as Once Track does).
package struct EmailGatewaySMSTransport: Transport {
    /// The email-to-SMS domain.
    package var domain: String
    /// The sender (`email.from`).
    package var from: Mailbox
    /// Delivers the emails.
    package var email: any Transport
    /// The Date header's clock.
    package var clock: any Clock
    /// The Date header's zone.
    package var timeZone: TimeZone

    /// A gateway through `email`.
    package init(domain: String, from: Mailbox, email: any Transport, clock: any Clock, timeZone: TimeZone) {
        self.domain = domain
        self.from = from
        self.email = email
        self.clock = clock
        self.timeZone = timeZone
    }

    /// `email-gateway`.
    package var name: String { "email-gateway" }

    /// The email sent for `sms`.
    package func email(for sms: SMSMessage, itemID: String) -> EmailMessage {
        let digits = sms.recipient.filter(\.isNumber)
        return EmailMessage(from: from, to: [Mailbox(address: "\(digits)@\(domain)")], subject: "",
                            date: clock.now, timeZone: timeZone, messageID: "\(itemID)@\(from.domain)", text: sms.body)
    }

    /// Sends an SMS as email.
    package func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        guard case .sms(let itemID, let sms) = message else { return email.deliver(message, handOver: handOver) }
        return email.deliver(.email(itemID: itemID, self.email(for: sms, itemID: itemID)), handOver: handOver)
    }

    /// What the email transport knows of the item's email.
    package func reconcile(itemID: String, channel: Channel) -> Bool? {
        email.reconcile(itemID: itemID, channel: .email)
    }

    /// As certain as the email transport.
    package var reconcileIsCertain: Bool { email.reconcileIsCertain }
}
