import Foundation

/// What one evaluation decided: for each schedule, its slot's fate; for each candidate
/// message, send or skip. Same inputs, same plan, same bytes.
package struct Plan: Sendable, Equatable {
    /// The plan format's version.
    package static let formatVersion = 1

    /// The instant the plan was made for (`--at`).
    package var at: Date
    /// SHA-256 of the config repository's files (crier.yaml, schedules, templates).
    package var configSHA256: String
    /// SHA-256 of the snapshot file.
    package var snapshotSHA256: String
    /// Each selected schedule's slot decision, by schedule id.
    package var schedules: [SlotDecision]
    /// Candidate messages ordered by schedule, key, recipient.
    package var items: [PlanItem]
    /// Change-trigger state to record with the plan, ordered by schedule and key.
    package var stateUpdates: [ChangeStateUpdate]
    /// Change-trigger definitions to record, by schedule.
    package var definitions: [String: String]
    /// The generation of each change schedule's state the plan's diff was made against
    /// (`LedgerView.changeGeneration`; absent: 0). `record` refuses a stale one.
    package var changeGenerations: [String: Int64]
    /// Items earlier runs left pending, with what the next delivery does with each (a preview:
    /// recording ignores it). In the JSON only when there are some.
    package var backlog: [BacklogItem] = []

    /// A plan.
    package init(at: Date, configSHA256: String, snapshotSHA256: String, schedules: [SlotDecision], items: [PlanItem],
                 stateUpdates: [ChangeStateUpdate] = [], definitions: [String: String] = [:],
                 changeGenerations: [String: Int64] = [:]) {
        self.at = at
        self.configSHA256 = configSHA256
        self.snapshotSHA256 = snapshotSHA256
        self.schedules = schedules
        self.items = items
        self.stateUpdates = stateUpdates
        self.definitions = definitions
        self.changeGenerations = changeGenerations
    }

    /// The plan as ordered JSON (SPEC §3 plus the slot decisions).
    package var json: JSONValue { .object(jsonPairs(items: .array(items.map(\.json)))) }

    /// The bytes of `json.rendered()`, handed to `write` in pieces of about `chunk` bytes as they
    /// are made: the items are written one by one, so neither the whole text nor a JSON tree of
    /// every item is ever held (a plan of 100,000 items would take over 100 MiB that way).
    package func writeJSON(chunk: Int = 1 << 16, to write: ([UInt8]) throws -> Void) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + chunk / 4)
        let pairs = jsonPairs(items: .null)
        out.append(contentsOf: "{\n".utf8)
        for (index, (key, value)) in pairs.enumerated() {
            JSONValue.appendIndent(2, to: &out)
            JSONValue.appendString(key, to: &out)
            out.append(contentsOf: ": ".utf8)
            if key != "items" {
                value.write(into: &out, indent: 2)
            } else if items.isEmpty {
                out.append(contentsOf: "[]".utf8)
            } else {
                out.append(contentsOf: "[\n".utf8)
                for (position, item) in items.enumerated() {
                    JSONValue.appendIndent(4, to: &out)
                    item.json.write(into: &out, indent: 4)
                    out.append(contentsOf: position < items.count - 1 ? ",\n".utf8 : "\n".utf8)
                    if out.count >= chunk {
                        try write(out)
                        out.removeAll(keepingCapacity: true)
                    }
                }
                out.append(contentsOf: "  ]".utf8)
            }
            out.append(contentsOf: index < pairs.count - 1 ? ",\n".utf8 : "\n".utf8)
        }
        out.append(contentsOf: "}\n".utf8)
        try write(out)
    }

    /// The plan's top-level pairs in order, with `items` as the value of "items".
    private func jsonPairs(items: JSONValue) -> [(String, JSONValue)] {
        var pairs: [(String, JSONValue)] = [
            ("crier_plan", .int(Self.formatVersion)),
            ("at", .string(Timestamp.utc(at))),
            ("config_sha256", .string(configSHA256)),
            ("snapshot_sha256", .string(snapshotSHA256)),
            ("schedules", .array(schedules.map(\.json))),
            ("items", items),
        ]
        if !definitions.isEmpty {
            pairs.append(("definitions", .object(definitions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        // Only generations past 0: a plan made before any change state was recorded reads as before.
        let generations = changeGenerations.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !generations.isEmpty {
            pairs.append(("generations", .object(generations.map { ($0.key, .int(Int($0.value))) })))
        }
        if !backlog.isEmpty { pairs.append(("backlog", .array(backlog.map(\.json)))) }
        if !stateUpdates.isEmpty {
            pairs.append(("state", .array(stateUpdates.map { update in
                var fields: [(String, JSONValue)] = [("schedule", .string(update.schedule)), ("key", .string(update.key))]
                if let fingerprint = update.fingerprint { fields.append(("fingerprint", .string(fingerprint))) }
                if let rows = update.rows { fields.append(("rows", .string(rows))) }
                return .object(fields)
            })))
        }
        return pairs
    }

    /// Items to send.
    package var sends: [PlanItem] { items.filter { $0.action == .send } }

    /// The slots recording this plan writes, with their status: a due slot `ran`, a missed one
    /// `missed`; the other decisions record no slot. Every ledger records these, in this order.
    package var slotRecords: [(slot: ScheduleSlot, status: SlotStatus)] {
        schedules.compactMap { decision in
            guard let slot = decision.slot else { return nil }
            switch decision.status {
            case .due: return (ScheduleSlot(schedule: decision.schedule, slot: slot), .ran)
            case .missed: return (ScheduleSlot(schedule: decision.schedule, slot: slot), .missed)
            default: return nil
            }
        }
    }

    /// Sorts items by schedule, key (numbers by value), recipient, occurrence, id.
    package static func order(_ a: PlanItem, _ b: PlanItem) -> Bool {
        if a.schedule != b.schedule { return a.schedule < b.schedule }
        if a.key != b.key { return keyOrder(a.key, b.key) }
        if a.recipient != b.recipient { return a.recipient < b.recipient }
        if a.occurrence != b.occurrence { return a.occurrence < b.occurrence }
        return a.id < b.id
    }

    /// Numeric keys by value, and before text keys; text keys by code point.
    static func keyOrder(_ a: String, _ b: String) -> Bool {
        switch (Int64(a), Int64(b)) {
        case let (x?, y?): return x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a < b
        }
    }
}

/// What happens to one schedule's latest slot in this evaluation.
package struct SlotDecision: Sendable, Equatable, Codable {
    /// The slot's fate.
    package enum Status: String, Sendable, Codable {
        /// Runs now.
        case due
        /// Ran in an earlier run: nothing to do.
        case alreadyRun = "already-run"
        /// Older than catch_up: recorded as missed, not run.
        case missed
        /// Recorded as missed earlier.
        case alreadyMissed = "already-missed"
        /// The schedule is disabled.
        case disabled
        /// The cron expression has no slot at or before the time.
        case noSlot = "no-slot"
        /// The schedule has errors; see the diagnostics.
        case invalid
        /// The query failed at run time; see the diagnostics.
        case failed
    }

    /// The schedule's id.
    package var schedule: String
    /// The slot (UTC ISO 8601), when there is one.
    package var slot: String?
    /// The fate.
    package var status: Status
    /// The trigger's window start (UTC), when due.
    package var windowStart: String?
    /// The trigger's window end (UTC), when due.
    package var windowEnd: String?
    /// The occurrence the window stands for.
    package var occurrence: String?
    /// Candidate rows read, when due.
    package var rows: Int?
    /// For a change schedule whose evaluation records a baseline: how many keys it records.
    /// Shown to people (`plan`, the run summary); not part of the plan's JSON.
    package var baselineKeys: Int? = nil

    enum CodingKeys: String, CodingKey {
        case schedule, slot, status, occurrence, rows
        case windowStart = "window_start"
        case windowEnd = "window_end"
    }

    /// A decision.
    package init(schedule: String, slot: String? = nil, status: Status, windowStart: String? = nil,
                 windowEnd: String? = nil, occurrence: String? = nil, rows: Int? = nil) {
        self.schedule = schedule
        self.slot = slot
        self.status = status
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.occurrence = occurrence
        self.rows = rows
    }

    /// Ordered JSON.
    package var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("schedule", .string(schedule))]
        if let slot { pairs.append(("slot", .string(slot))) }
        pairs.append(("status", .string(status.rawValue)))
        if let windowStart { pairs.append(("window_start", .string(windowStart))) }
        if let windowEnd { pairs.append(("window_end", .string(windowEnd))) }
        if let occurrence { pairs.append(("occurrence", .string(occurrence))) }
        if let rows { pairs.append(("rows", .int(rows))) }
        return .object(pairs)
    }
}
