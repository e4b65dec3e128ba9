import CrierCore
import Foundation
import GRDB

/// One entry of the suppression list.
package struct OptOutEntry: Sendable, Equatable {
    /// E.164 number or lower-cased email address.
    package var address: String
    /// Why (`--reason`, or the inbound keyword).
    package var reason: String?
    /// `manual` (crier optout add) or `inbound` (an SMS reply).
    package var source: String
    /// When it was added (UTC).
    package var createdAt: String
}

extension LedgerStore {
    /// The consent migrations: the suppression list and the imported inbound replies.
    static func registerConsentMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-opt-outs") { db in
            try db.execute(sql: """
                CREATE TABLE opt_outs (
                  address TEXT PRIMARY KEY,
                  reason TEXT,
                  source TEXT NOT NULL CHECK (source IN ('manual', 'inbound')),
                  created_at TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE inbound_replies (
                  sender TEXT NOT NULL,
                  received_at TEXT NOT NULL,
                  body TEXT NOT NULL,
                  keyword TEXT CHECK (keyword IN ('stop', 'start')),
                  imported_at TEXT NOT NULL,
                  PRIMARY KEY (sender, received_at, body)
                ) WITHOUT ROWID;
                CREATE INDEX items_quiet ON items(schedule, reason, state, slot);
                """)
        }
    }

    /// Adds `address` (a normalised key) to the suppression list; false when it was there already.
    @discardableResult
    package func addOptOut(_ address: String, reason: String?, source: String = "manual", at: Date) throws -> Bool {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO opt_outs (address, reason, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (address) DO NOTHING",
                           arguments: [address, reason, source, Timestamp.utc(at)])
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

    /// Items still `pending` (left by an earlier run, or planned before an opt-out) whose
    /// recipient is now on the suppression list: skipped as `opted-out` before delivery starts.
    /// Returns how many.
    @discardableResult
    package func withdrawOptedOut(runID: Int64, at: Date) throws -> Int {
        let now = Timestamp.utc(at)
        let reason = SkipReason.optedOut.description
        return try queue.write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM items WHERE state = 'pending'
                  AND (recipient IN (SELECT address FROM opt_outs) OR (channel = 'email' AND lower(recipient) IN (SELECT address FROM opt_outs)))
                """)
            for id in ids {
                try db.execute(sql: "UPDATE items SET state = 'skipped', reason = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                               arguments: [reason, now, id])
                try db.execute(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, 'skipped', ?)",
                               arguments: [id, runID, now, reason])
            }
            return ids.count
        }
    }
}
