import CrierCore
import Foundation
import GRDB

/// What the ledger holds, counted for the metrics file: totals since the ledger was created,
/// so they survive the process (crier runs once and exits).
package struct LedgerTotals: Sendable, Equatable {
    /// Runs recorded, per command (`run`, `execute`).
    package var runs: [String: Int] = [:]
    /// Items per (schedule, channel, state).
    package var items: [ItemGroup: Int] = [:]
    /// Slots recorded per (schedule, status: ran or missed).
    package var slots: [SlotGroup: Int] = [:]

    /// One group of items.
    package struct ItemGroup: Hashable, Sendable {
        package var schedule: String
        package var channel: String
        package var state: String
    }

    /// One group of slots.
    package struct SlotGroup: Hashable, Sendable {
        package var schedule: String
        package var status: String
    }

    /// Items in `state`, all schedules and channels together.
    package func count(state: String) -> Int {
        items.filter { $0.key.state == state }.values.reduce(0, +)
    }
}

extension LedgerStore {
    /// The ledger's totals: runs per command, items per schedule, channel and state, slots per
    /// schedule and status. Three grouped scans; nothing is loaded row by row.
    package func totals() throws -> LedgerTotals {
        try queue.read { db in
            var totals = LedgerTotals()
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT command, count(*) AS n FROM runs GROUP BY command") {
                totals.runs[row["command"]] = row["n"]
            }
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT schedule, channel, state, count(*) AS n FROM items GROUP BY schedule, channel, state") {
                totals.items[.init(schedule: row["schedule"], channel: row["channel"], state: row["state"])] = row["n"]
            }
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT schedule, status, count(*) AS n FROM slots GROUP BY schedule, status") {
                totals.slots[.init(schedule: row["schedule"], status: row["status"])] = row["n"]
            }
            return totals
        }
    }
}
