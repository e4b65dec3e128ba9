import Foundation

/// Makes plan items for one schedule's slot: normalises recipients, derives ids, renders the
/// template, and records why an item is skipped. Shared by every trigger.
package struct ItemMaker {
    /// The schedule.
    package let schedule: Schedule
    /// The slot being run.
    package let slot: Slot
    /// How national numbers are read.
    package let region: PhoneRegion
    /// The renderer.
    package let renderer: MessageRenderer
    /// `{{slot.*}}`: the slot in the schedule's zone.
    private let slotView: TimeView
    /// Each distinct phone number text parsed once for this slot.
    private let phones: PhoneNumberMemo

    /// A maker for `schedule`'s slot.
    package init(schedule: Schedule, slot: Slot, region: PhoneRegion, renderer: MessageRenderer) {
        self.schedule = schedule
        self.slot = slot
        self.region = region
        self.renderer = renderer
        slotView = TimeView(slot.date, in: schedule.timeZone)
        phones = PhoneNumberMemo(defaultRegion: region)
    }

    /// The row's trimmed recipient text.
    package func rawRecipient(_ row: Row) -> String {
        guard let text = row["recipient"]?.text else { return "" }
        return Self.trimmedRecipient(text)
    }

    /// `text` without the spaces and tabs around it.
    package static func trimmedRecipient(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The row's channel: its `channel` column (`sms` or `email`, any case) or, when that is
    /// NULL or absent, the schedule's; nil when the column holds anything else.
    package func channel(of row: Row) -> Channel? {
        guard let text = row["channel"]?.text else { return schedule.channel }
        return Channel(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The row's recipient as the plan names it: normalised for the row's channel, else as given.
    package func recipient(of row: Row) -> String {
        let raw = rawRecipient(row)
        return normalise(raw, for: channel(of: row) ?? schedule.channel) ?? raw
    }

    /// The E.164 number or normalised address for `channel` (the schedule's by default), nil when invalid.
    package func normalise(_ raw: String, for channel: Channel? = nil) -> String? {
        guard !raw.isEmpty else { return nil }
        switch channel ?? schedule.channel {
        case .sms:
            if case .success(let number) = phones.parse(raw), renderer.sms.allows(number) { return number.e164 }
            return nil
        case .email:
            return EmailAddress.parse(raw)?.normalized
        }
    }

    /// An item without content, for `key`, `recipient` and `occurrence` on `channel` (the schedule's by default).
    package func bare(key: String, recipient: String, occurrence: Occurrence, channel: Channel? = nil) -> PlanItem {
        let channel = channel ?? schedule.channel
        return PlanItem(id: PlanItem.id(schedule: schedule.id, key: key, occurrence: occurrence, channel: channel, recipient: recipient),
                        schedule: schedule.id, slot: slot, key: key, occurrence: occurrence, channel: channel,
                        recipient: recipient, action: .send)
    }

    /// A skipped item.
    package func skipped(key: String, recipient: String, occurrence: Occurrence, channel: Channel? = nil, _ reason: SkipReason) -> PlanItem {
        var item = bare(key: key, recipient: recipient, occurrence: occurrence, channel: channel)
        item.action = .skip
        item.reason = reason
        return item
    }

    /// The item of `row` skipped for `reason`, on the row's channel.
    package func skipped(key: String, row: Row, occurrence: Occurrence, _ reason: SkipReason) -> PlanItem {
        skipped(key: key, recipient: recipient(of: row), occurrence: occurrence, channel: channel(of: row), reason)
    }

    /// A `{{#changes}}` entry whose column is one of `times:`, with its old and new values in
    /// the schedule's zone (`Wed 25 Nov 2026 2:00am`) rather than as the snapshot stores them.
    private func localTimes(_ change: [String: String]) -> [String: String] {
        guard let column = change["column"], schedule.times.contains(column) else { return change }
        var change = change
        for side in ["old", "new"] {
            if let text = change[side], let instant = Timestamp.parse(.text(text)) {
                change[side] = TimeView(instant, in: schedule.timeZone).shortText
            }
        }
        return change
    }

    /// The rendered item for `row` (or the item skipped with why); `engine` adds variables.
    package func item(key: String, row: Row, occurrence: Occurrence, engine: [String: Any]) -> PlanItem {
        let raw = rawRecipient(row)
        guard let channel = channel(of: row) else {
            return skipped(key: key, recipient: raw, occurrence: occurrence, .invalidChannel)
        }
        guard let recipient = normalise(raw, for: channel) else {
            return skipped(key: key, recipient: raw, occurrence: occurrence, channel: channel, .invalidAddress)
        }
        var item = bare(key: key, recipient: recipient, occurrence: occurrence, channel: channel)
        var variables = engine
        variables["occurrence"] = occurrence.text
        variables["schedule"] = schedule.id
        variables["slot"] = slotView
        for column in schedule.times {
            guard let value = row[column], !value.isNull else { continue }
            guard let instant = Timestamp.parse(value) else {
                return skipped(key: key, recipient: recipient, occurrence: occurrence, channel: channel, .invalidTime(column))
            }
            variables[column] = TimeView(instant, in: schedule.timeZone)
        }
        if !schedule.times.isEmpty, let changes = variables["changes"] as? [[String: String]] {
            variables["changes"] = changes.map(localTimes)
        }
        let (message, reason) = renderer.render(schedule, channel: channel, row: row, engine: variables)
        item.content = message
        if let reason {
            item.action = .skip
            item.reason = reason
        }
        return item
    }
}
