import Foundation

/// The ledger as a forecast sees it: the real ledger (read, never written) plus what the
/// forecast's earlier slots would have recorded, so that a later slot does not send a key
/// again that an earlier slot of the forecast already sent.
package struct ForecastLedgerView: LedgerView {
    /// The real ledger (or an empty view).
    package let base: any LedgerView
    /// Items the forecast planned, by id: sends as `sent`, skips as `skipped` (so a later slot
    /// evaluates them again, as with the real ledger), `daily-cap` skips as `pending`.
    private var states: [String: ItemState] = [:]
    /// Slots the forecast ran, as `schedule \u{1F} slot`.
    private var ranSlots: Set<String> = []
    /// SMS deferred by quiet hours, by schedule: item id → slot.
    private var deferred: [String: [String: String]] = [:]
    /// Sends per channel with their slot, for `max_per_day`.
    private var sends: [(channel: Channel, slot: String)] = []

    /// A view over `base` with nothing forecast yet.
    package init(base: any LedgerView) {
        self.base = base
    }

    /// Remembers what recording `plan` would have written, as if every send was delivered.
    package mutating func remember(_ plan: Plan) {
        for decision in plan.schedules where decision.status == .due {
            if let slot = decision.slot { ranSlots.insert(decision.schedule + "\u{1F}" + slot) }
        }
        for item in plan.items {
            if item.action == .send {
                states[item.id] = .sent
                sends.append((item.channel, item.slot.text))
                deferred[item.schedule]?[item.id] = nil
            } else if item.action == .hold {
                states[item.id] = .pending
            } else {
                if states[item.id] == nil { states[item.id] = .skipped }
                if item.reason == .quietHours { deferred[item.schedule, default: [:]][item.id] = item.slot.text }
            }
        }
    }

    /// The state an earlier slot of the forecast left `id` in; nil when none planned it.
    package func state(of id: String) -> ItemState? { states[id] }

    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? {
        ranSlots.contains(schedule + "\u{1F}" + slot) ? .ran : try base.slotStatus(schedule: schedule, slot: slot)
    }

    /// As recording a plan does, a forecast skip never hides what the real ledger holds.
    package func itemStates(ids: [String]) throws -> [String: ItemState] {
        var result = try base.itemStates(ids: ids)
        for id in ids {
            guard let state = states[id], !(state == .skipped && result[id] != nil) else { continue }
            result[id] = state
        }
        return result
    }

    package func changeDefinition(schedule: String) throws -> String? { try base.changeDefinition(schedule: schedule) }

    package func changeGeneration(schedule: String) throws -> Int64 { try base.changeGeneration(schedule: schedule) }

    package func changeFingerprints(schedule: String) throws -> [String: String] { try base.changeFingerprints(schedule: schedule) }

    package func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws {
        try base.forEachChangeFingerprint(schedule: schedule, body)
    }

    package func changeRows(schedule: String, keys: [String]) throws -> [String: String] {
        try base.changeRows(schedule: schedule, keys: keys)
    }

    package func optOutKeys() throws -> Set<String> { try base.optOutKeys() }

    package func quietHoursItems(schedule: String, since: String) throws -> [String: String] {
        var result = try base.quietHoursItems(schedule: schedule, since: since)
        for (id, slot) in deferred[schedule] ?? [:] where slot >= since { result[id] = slot }
        return result
    }

    package func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int {
        let start = Timestamp.utc(since)
        return try base.dailyCapUsage(channels: channels, since: since)
            + sends.filter { channels.contains($0.channel) && $0.slot >= start }.count
    }
}
