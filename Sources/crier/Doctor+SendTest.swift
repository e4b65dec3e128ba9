import CrierCore
import Foundation

extension Doctor {
    /// The text of the test message.
    static let testText = "This is a test message from crier doctor. No action needed."

    /// Sends one test message to `address` (an email address when it holds `@`, else a phone
    /// number) through the transport the config gives that channel. Not recorded in the ledger:
    /// it is no notification, and `history` stays the list of what schedules and `send` did.
    /// Exits 64 when `address` cannot be read.
    static func send(to address: String, config: Config) throws -> HealthCheck {
        let name = "send-test"
        let transports = LedgerSession.transports(config: config, clock: SystemClock())
        let id = "doctor-\(UUID().uuidString.lowercased())"
        let message: OutboundMessage
        let channel: Channel
        if address.contains("@") {
            guard let from = config.email.from else {
                return HealthCheck(name, .fail, "email.from is not set", fix: "set email.from in crier.yaml, e.g. \"Acme <noreply@acme.example>\"")
            }
            let to: Mailbox
            do { to = try Mailbox.parse(address) } catch {
                printError("error: --send-test \"\(address)\" is not an email address: \(error.message)")
                throw Exit.usage
            }
            channel = .email
            message = .email(itemID: id, EmailMessage(
                from: from, to: [to], replyTo: config.email.replyTo, subject: "crier doctor: test message",
                date: Date(), timeZone: config.timeZone, messageID: "\(id)@\(from.domain)", text: testText + "\n"))
        } else {
            switch PhoneNumber.parse(address, defaultRegion: config.sms.defaultRegion) {
            case .failure(let problem):
                printError("error: --send-test \"\(address)\" is neither an email address nor a phone number: \(problem.message)")
                throw Exit.usage
            case .success(let number):
                let measure = SMSMeasure.of(testText)
                channel = .sms
                message = .sms(itemID: id, SMSMessage(recipient: number.e164, body: testText, segments: measure.segments,
                                                      encoding: measure.encoding.rawValue))
            }
        }
        guard let transport = transports[channel] else { return HealthCheck(name, .fail, "no transport for \(channel)") }
        switch transport.deliver(message) {
        case .delivered(let providerID):
            let reference = providerID.map { ", id \($0)" } ?? ""
            return HealthCheck(name, .ok, "sent to \(address) through \(transport.name)\(reference)")
        case .transient(let error), .permanent(let error):
            return HealthCheck(name, .fail, "not sent to \(address) through \(transport.name): \(error)",
                               fix: "see the failing checks above; for a refused recipient, try another address")
        case .unavailable(let fault):
            return HealthCheck(name, .fail, "not sent to \(address) through \(transport.name): \(fault.message)",
                               fix: "fix the \(fault.kind == .configuration ? "configuration" : "server or network") as the message says")
        }
    }
}
