import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Failed and uncertain items changed at or after `since` (UTC text), newest first.
    package func failures(since: String) throws -> [HistoryEntry] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT id, schedule, key, occurrence, channel, recipient, state, reason, last_error, updated_at, sent_at
                FROM items WHERE state IN ('failed', 'uncertain') AND updated_at >= ?
                ORDER BY updated_at DESC, schedule, key, recipient
                """, arguments: [since]).map { row in
                HistoryEntry(id: row["id"], schedule: row["schedule"], key: row["key"], occurrence: row["occurrence"],
                             channel: row["channel"], recipient: row["recipient"], state: row["state"], reason: row["reason"],
                             error: row["last_error"], updatedAt: row["updated_at"], sentAt: row["sent_at"])
            }
        }
    }
}
