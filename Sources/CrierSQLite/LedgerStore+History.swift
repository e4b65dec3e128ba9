import CrierCore
import Foundation
import GRDB

/// One line of `crier history`.
package struct HistoryEntry: Sendable, Equatable {
    /// The item's id.
    package var id: String
    /// The schedule.
    package var schedule: String
    /// The subject.
    package var key: String
    /// The occurrence.
    package var occurrence: String
    /// SMS or email.
    package var channel: String
    /// Who.
    package var recipient: String
    /// Where it stands.
    package var state: String
    /// Why skipped.
    package var reason: String?
    /// Last error.
    package var error: String?
    /// Last change (UTC).
    package var updatedAt: String
    /// When it was sent (UTC).
    package var sentAt: String?
}

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
    static func historyFilter(key: String?, recipient: String?, schedule: String?)
        -> (conditions: [String], arguments: [(any DatabaseValueConvertible)?]) {
        let wanted = [("key", key), ("recipient", recipient), ("schedule", schedule)].filter { $0.1 != nil }
        return (wanted.map { "\($0.0) = ?" }, wanted.map(\.1))
    }

    /// Items matching the filters, newest first.
    package func history(key: String?, recipient: String?, schedule: String?, limit: Int = 1000) throws -> [HistoryEntry] {
        let filter = Self.historyFilter(key: key, recipient: recipient, schedule: schedule)
        let condition = filter.conditions.isEmpty ? "" : "WHERE " + filter.conditions.joined(separator: " AND ")
        return try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT \(HistoryEntry.columns)
                FROM items \(condition) ORDER BY updated_at DESC, schedule, key, recipient LIMIT \(limit)
                """, arguments: StatementArguments(filter.arguments)).map(HistoryEntry.init(row:))
        }
    }

    /// How many items are in each state (for summaries and tests).
    package func stateCounts() throws -> [String: Int] {
        try queue.read { db in
            var counts: [String: Int] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM items GROUP BY state") {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }
}
