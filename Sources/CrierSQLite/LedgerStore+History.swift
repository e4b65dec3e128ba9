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

extension LedgerStore {
    /// Items matching the filters, newest first.
    package func history(key: String?, recipient: String?, schedule: String?, limit: Int = 1000) throws -> [HistoryEntry] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let key { conditions.append("key = ?"); arguments.append(key) }
        if let recipient { conditions.append("recipient = ?"); arguments.append(recipient) }
        if let schedule { conditions.append("schedule = ?"); arguments.append(schedule) }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT id, schedule, key, occurrence, channel, recipient, state, reason, last_error, updated_at, sent_at
                FROM items \(filter) ORDER BY updated_at DESC, schedule, key, recipient LIMIT \(limit)
                """, arguments: StatementArguments(arguments)).map { row in
                HistoryEntry(id: row["id"], schedule: row["schedule"], key: row["key"], occurrence: row["occurrence"],
                             channel: row["channel"], recipient: row["recipient"], state: row["state"], reason: row["reason"],
                             error: row["last_error"], updatedAt: row["updated_at"], sentAt: row["sent_at"])
            }
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
