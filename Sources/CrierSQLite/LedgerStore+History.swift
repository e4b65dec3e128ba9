import CrierCore
import Foundation
import GRDB

extension HistoryEntry {
    /// The columns of `items` an entry is read from.
    static let columns = "id, schedule, key, occurrence, channel, recipient, state, reason, last_error, updated_at, sent_at"

    /// The entry of a row selected with `columns`; the error masked again (a ledger written by
    /// an older crier may hold a URL's secrets).
    init(row: GRDB.Row) {
        self.init(id: row["id"], schedule: row["schedule"], key: row["key"], occurrence: row["occurrence"],
                  channel: row["channel"], recipient: row["recipient"], state: row["state"], reason: row["reason"],
                  error: (row["last_error"] as String?).map(Redaction.redact), updatedAt: row["updated_at"], sentAt: row["sent_at"])
    }
}

extension LedgerStore {
    /// History's filters (each nil: any item) as conditions on `items`, to be joined with AND,
    /// and their arguments.
    static func conditions(of filter: HistoryFilter) -> (conditions: [String], arguments: [(any DatabaseValueConvertible)?]) {
        let wanted = [("key", filter.key), ("recipient", filter.recipient), ("schedule", filter.schedule)].filter { $0.1 != nil }
        return (wanted.map { "\($0.0) = ?" }, wanted.map(\.1))
    }

    /// Items matching the filter, newest first.
    package func history(_ wanted: HistoryFilter, limit: Int) throws -> [HistoryEntry] {
        let filter = Self.conditions(of: wanted)
        let condition = filter.conditions.isEmpty ? "" : "WHERE " + filter.conditions.joined(separator: " AND ")
        return try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT \(HistoryEntry.columns)
                FROM items \(condition) ORDER BY updated_at DESC, schedule, key, recipient LIMIT \(limit)
                """, arguments: StatementArguments(filter.arguments)).map(HistoryEntry.init(row:))
        }
    }

    /// The recorded content of the items with `ids`, by id.
    package func contents(ids: [String]) throws -> [String: PlanItem] {
        try queue.read { db in
            var found: [String: PlanItem] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT id, payload FROM item_payloads WHERE id IN (\(marks))",
                                                    arguments: StatementArguments(batch))
                while let row = try rows.next() {
                    let id: String = row["id"]
                    found[id] = try JSONDecoder().decode(PlanItem.self, from: PayloadCodec.unpack(row["payload"], id: id))
                }
            }
            return found
        }
    }

    /// How many items are in each state (for summaries and tests).
    package func stateCounts() throws -> [ItemState: Int] {
        try queue.read { db in
            var counts: [ItemState: Int] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM items GROUP BY state") {
                if let state = ItemState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }
}
