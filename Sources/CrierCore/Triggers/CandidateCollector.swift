import Foundation

/// Turns a due schedule's rows into plan items as they stream by: re-checks the trigger's time,
/// normalises the recipient, keeps the first row per (key, recipient), renders.
package struct CandidateCollector {
    private let schedule: Schedule
    private let slotText: String
    private let window: TriggerWindow
    private let timeColumn: String
    private let region: PhoneRegion
    private let renderer: MessageRenderer
    private var seen: Set<String> = []
    /// Rows read.
    package private(set) var rowCount = 0
    /// Rows whose key was NULL (left out).
    package private(set) var nullKeys = 0
    /// Items made so far, in row order.
    package private(set) var items: [PlanItem] = []

    /// A collector for one schedule's slot.
    package init(schedule: Schedule, slotText: String, window: TriggerWindow, timeColumn: String, region: PhoneRegion, renderer: MessageRenderer) {
        self.schedule = schedule
        self.slotText = slotText
        self.window = window
        self.timeColumn = timeColumn
        self.region = region
        self.renderer = renderer
    }

    /// Considers one row.
    package mutating func add(_ row: Row) {
        rowCount += 1
        guard let key = row["key"]?.text, !key.isEmpty else {
            nullKeys += 1
            return
        }
        let rawRecipient = row["recipient"]?.text?.trimmingCharacters(in: .whitespaces) ?? ""
        let recipient = normalise(rawRecipient)
        let instant = row[timeColumn].flatMap(Timestamp.parse)
        if let instant, !window.contains(instant) { return }
        let dedupe = key + "\u{1F}" + (recipient ?? rawRecipient)
        guard seen.insert(dedupe).inserted else { return }
        var item = PlanItem(
            id: PlanItem.id(schedule: schedule.id, key: key, occurrence: window.occurrence, channel: schedule.channel, recipient: recipient ?? rawRecipient),
            schedule: schedule.id, slot: slotText, key: key, occurrence: window.occurrence, channel: schedule.channel,
            recipient: recipient ?? rawRecipient, action: .send)
        guard let instant else {
            skip(&item, .invalidTime(timeColumn))
            return
        }
        guard recipient != nil else {
            skip(&item, .invalidAddress)
            return
        }
        let engine: [String: Any] = [
            "at": TimeView(instant, in: schedule.timeZone),
            "occurrence": window.occurrence,
            "schedule": schedule.id,
        ]
        let (message, reason) = renderer.render(schedule, row: row, engine: engine)
        if let message {
            item.body = message.body
            item.segments = message.segments
            item.encoding = message.encoding
            item.subject = message.subject
            item.html = message.html
            item.replyTo = message.replyTo
            item.cc = message.cc
            item.bcc = message.bcc
        }
        if let reason { skip(&item, reason) } else { items.append(item) }
    }

    private mutating func skip(_ item: inout PlanItem, _ reason: SkipReason) {
        item.action = .skip
        item.reason = reason.description
        items.append(item)
    }

    private func normalise(_ raw: String) -> String? {
        guard !raw.isEmpty else { return nil }
        switch schedule.channel {
        case .sms:
            if case .success(let number) = PhoneNumber.parse(raw, defaultRegion: region) { return number.e164 }
            return nil
        case .email:
            return EmailAddress.parse(raw)?.normalized
        }
    }
}
