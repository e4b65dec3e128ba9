import Crypto
import Foundation

/// One candidate message of a plan: sent, or skipped with a reason.
package struct PlanItem: Sendable, Equatable, Decodable {
    /// Send it, or say why not.
    package enum Action: String, Sendable, Decodable {
        /// Deliver it.
        case send
        /// Never deliver it: `reason` says why.
        case skip
        /// Over `max_per_day` (`reason` is `daily-cap`): recorded as pending all the same, it
        /// goes out in a later run with room under the cap.
        case hold
    }

    // Stored in this order (strings, then the narrow fields together) so that an item takes
    // 160 bytes, not 192: a plan holds every item until it is written.
    /// The idempotency key: a hash of (schedule, key, occurrence, channel, recipient).
    package var id: String
    /// The schedule's id.
    package var schedule: String
    /// The subject (job, ticket, dispatch) the message is about.
    package var key: String
    /// Which occurrence of the trigger (for `upcoming`, the window's date).
    package var occurrence: Occurrence
    /// E.164 number or email address (as given when it is invalid).
    package var recipient: String
    /// The cron slot being run.
    package var slot: Slot
    /// What the message says; nil when it could not be rendered (a skipped item).
    package var content: MessageContent?
    /// SMS or email.
    package var channel: Channel
    /// Send or skip.
    package var action: Action
    /// Why it is skipped (in JSON and in the ledger: its text, `missing-variable: name`).
    package var reason: SkipReason?
    /// When the event an `upcoming` reminder is about starts: a reminder whose event has
    /// started is withdrawn at delivery. The ledger keeps it beside the item; the plan's JSON
    /// does not show it (`execute` takes it from the re-rendered plan).
    package var eventAt: Date? = nil

    /// An item; without content unless given.
    package init(id: String, schedule: String, slot: Slot, key: String, occurrence: Occurrence, channel: Channel,
                 recipient: String, action: Action, reason: SkipReason? = nil, content: MessageContent? = nil) {
        self.id = id
        self.schedule = schedule
        self.slot = slot
        self.key = key
        self.occurrence = occurrence
        self.channel = channel
        self.recipient = recipient
        self.action = action
        self.reason = reason
        self.content = content
    }

    enum CodingKeys: String, CodingKey {
        case id, schedule, slot, key, occurrence, channel, recipient, action, reason, body, segments, encoding
        case subject, html, cc, bcc, attachments
        case replyTo = "reply_to"
    }

    /// Reads an item as the plan's JSON (and the ledger's copy of it) writes it. SPEC §3 lists
    /// `daily-cap` among the skip reasons, so a held item is written `"action": "skip",
    /// "reason": "daily-cap"` and read back as `hold`; older plans say the same. An item with a
    /// `body` has content of its channel's kind; the other channel's fields are not read.
    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        id = try values.decode(String.self, forKey: .id)
        schedule = try values.decode(String.self, forKey: .schedule)
        slot = try values.decode(Slot.self, forKey: .slot)
        key = try values.decode(String.self, forKey: .key)
        occurrence = try values.decode(Occurrence.self, forKey: .occurrence)
        channel = try values.decode(Channel.self, forKey: .channel)
        recipient = try values.decode(String.self, forKey: .recipient)
        reason = try values.decodeIfPresent(SkipReason.self, forKey: .reason)
        let written = try values.decode(Action.self, forKey: .action)
        action = written == .skip && reason == .dailyCap ? .hold : written
        guard let body = try values.decodeIfPresent(String.self, forKey: .body) else { return }
        switch channel {
        case .sms:
            let measure = SMSMeasure.of(body)
            content = .sms(SMSContent(body: body, segments: try values.decodeIfPresent(Int.self, forKey: .segments) ?? measure.segments,
                                      encoding: try values.decodeIfPresent(String.self, forKey: .encoding) ?? measure.encoding.rawValue))
        case .email:
            var email = EmailContent(body: body, subject: try values.decodeIfPresent(String.self, forKey: .subject))
            email.html = try values.decodeIfPresent(String.self, forKey: .html)
            email.replyTo = try values.decodeIfPresent(String.self, forKey: .replyTo)
            email.cc = try values.decodeIfPresent(String.self, forKey: .cc)
            email.bcc = try values.decodeIfPresent(String.self, forKey: .bcc)
            email.attachments = try values.decodeIfPresent([PlannedAttachment].self, forKey: .attachments)
            content = .email(email)
        }
    }

    /// The action as the plan's JSON writes it: a held item is a skip for `daily-cap` (SPEC §3).
    var actionText: String { action == .hold ? Action.skip.rawValue : action.rawValue }

    /// The id of (schedule, key, occurrence, channel, recipient): 32 hex digits of SHA-256.
    package static func id(schedule: String, key: String, occurrence: Occurrence, channel: Channel, recipient: String) -> String {
        var text = Array("crier-item-1".utf8)
        for part in [schedule, key, occurrence.text, channel.rawValue, recipient] {
            text.append(0x1F)
            text.append(contentsOf: part.utf8)
        }
        return ConfigFiles.hex(SHA256.hash(data: text).prefix(16))
    }

    /// The item as ordered JSON (fields that do not apply are left out).
    package var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .string(id)), ("schedule", .string(schedule)), ("slot", .string(slot.text)),
            ("key", .string(key)), ("occurrence", .string(occurrence.text)), ("channel", .string(channel.rawValue)),
            ("recipient", .string(recipient)), ("action", .string(actionText)),
        ]
        func add(_ name: String, _ value: String?) { if let value { pairs.append((name, .string(value))) } }
        add("reason", reason?.description)
        switch content {
        case .sms(let sms)?:
            add("body", sms.body)
            pairs.append(("segments", .int(sms.segments)))
            add("encoding", sms.encoding)
        case .email(let email)?:
            add("subject", email.subject)
            add("reply_to", email.replyTo)
            add("cc", email.cc)
            add("bcc", email.bcc)
            add("body", email.body)
            add("html", email.html)
            if let attachments = email.attachments { pairs.append(("attachments", .array(attachments.map(\.json)))) }
        case nil:
            break
        }
        return .object(pairs)
    }
}
