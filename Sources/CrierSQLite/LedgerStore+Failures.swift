import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Failed and uncertain items changed at or after `since`, newest first.
    package func failures(since: Date) throws -> [HistoryEntry] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT \(HistoryEntry.columns)
                FROM items WHERE state IN ('failed', 'uncertain') AND updated_at >= ?
                ORDER BY updated_at DESC, schedule, key, recipient
                """, arguments: [Timestamp.utc(since)]).map(HistoryEntry.init(row:))
        }
    }
}
