import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Adds `address` (a normalised key) to the suppression list; false when it was there already.
    @discardableResult
    package func addOptOut(_ address: String, reason: String?, source: OptOutSource, at: Date) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO opt_outs (address, reason, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (address) DO NOTHING",
                           arguments: [address, reason, source.rawValue, Timestamp.utc(at)])
            return db.changesCount > 0
        }
    }

    /// Removes `address` from the suppression list; false when it was not there.
    @discardableResult
    package func removeOptOut(_ address: String) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM opt_outs WHERE address = ?", arguments: [address])
            return db.changesCount > 0
        }
    }

    /// The suppression list, ordered by address.
    package func optOuts() throws -> [OptOutEntry] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT address, reason, source, created_at FROM opt_outs ORDER BY address").map { row in
                OptOutEntry(address: row["address"], reason: row["reason"], source: row["source"], createdAt: row["created_at"])
            }
        }
    }

    /// The suppression list's keys (for planning).
    package func optOutKeys() throws -> Set<String> {
        try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT address FROM opt_outs")) }
    }

    /// Items of `schedule` still skipped for quiet hours, in slots at or after `since`: id → slot.
    package func quietHoursItems(schedule: String, since: String) throws -> [String: String] {
        try queue.read { db in
            var result: [String: String] = [:]
            let rows = try GRDB.Row.fetchCursor(db, sql: """
                SELECT id, slot FROM items WHERE schedule = ? AND reason = ? AND state = 'skipped' AND slot >= ?
                """, arguments: [schedule, SkipReason.quietHours.description, since])
            while let row = try rows.next() { result[row["id"]] = row["slot"] }
            return result
        }
    }
}
