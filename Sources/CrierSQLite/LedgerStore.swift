import CrierCore
import Foundation
import GRDB

/// The run ledger: a SQLite file in WAL mode that owns its migrations. Records slots and
/// items, moves items pending → sending → sent | failed, and answers history questions.
package final class LedgerStore: Ledger {
    /// The ledger's path.
    package let path: String
    let queue: DatabaseQueue

    /// Opens (creating when absent, with its folder) the ledger at `path` and migrates it.
    package init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try LedgerFileAccess.prepareForWriting(path)
        var configuration = Configuration()
        configuration.label = "ledger"
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        try Self.migrator.migrate(queue)
    }

    /// Opens an existing ledger for reading only; nil when there is none yet.
    package static func openExisting(path: String) throws -> LedgerStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try LedgerStore(path: path)
    }

    /// The schema, one migration per change; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  command TEXT NOT NULL,
                  at TEXT NOT NULL,
                  started_at TEXT NOT NULL,
                  finished_at TEXT,
                  pid INTEGER NOT NULL,
                  outcome TEXT
                );
                CREATE TABLE slots (
                  schedule TEXT NOT NULL,
                  slot TEXT NOT NULL,
                  status TEXT NOT NULL CHECK (status IN ('ran', 'missed')),
                  run_id INTEGER NOT NULL REFERENCES runs(id),
                  recorded_at TEXT NOT NULL,
                  PRIMARY KEY (schedule, slot)
                );
                CREATE TABLE items (
                  id TEXT PRIMARY KEY,
                  schedule TEXT NOT NULL,
                  slot TEXT NOT NULL,
                  key TEXT NOT NULL,
                  occurrence TEXT NOT NULL,
                  channel TEXT NOT NULL,
                  recipient TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','uncertain','skipped')),
                  reason TEXT,
                  payload TEXT NOT NULL,
                  attempts INTEGER NOT NULL DEFAULT 0,
                  last_error TEXT,
                  provider_id TEXT,
                  run_id INTEGER NOT NULL REFERENCES runs(id),
                  claimed_by INTEGER,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  sent_at TEXT
                );
                CREATE INDEX items_state ON items(state, created_at);
                CREATE INDEX items_schedule_key ON items(schedule, key);
                CREATE INDEX items_recipient ON items(recipient);
                CREATE TABLE item_events (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  item_id TEXT NOT NULL REFERENCES items(id),
                  run_id INTEGER,
                  at TEXT NOT NULL,
                  state TEXT NOT NULL,
                  detail TEXT
                );
                CREATE INDEX item_events_item ON item_events(item_id);
                CREATE INDEX item_events_at ON item_events(at);
                """)
        }
        migrator.registerMigration("v2-change-state") { db in
            try db.execute(sql: """
                CREATE TABLE change_definitions (
                  schedule TEXT PRIMARY KEY,
                  definition TEXT NOT NULL,
                  recorded_at TEXT NOT NULL
                );
                CREATE TABLE change_state (
                  schedule TEXT NOT NULL,
                  key TEXT NOT NULL,
                  fingerprint TEXT NOT NULL,
                  rows TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  PRIMARY KEY (schedule, key)
                ) WITHOUT ROWID;
                """)
        }
        registerConsentMigrations(in: &migrator)
        registerChangeStateMigrations(in: &migrator)
        return migrator
    }

    // MARK: LedgerView

    /// How a slot was recorded.
    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM slots WHERE schedule = ? AND slot = ?", arguments: [schedule, slot])
                .flatMap(SlotStatus.init(rawValue:))
        }
    }

    /// States of the given ids, looked up in batches.
    package func itemStates(ids: [String]) throws -> [String: ItemState] {
        try queue.read { db in
            var states: [String: ItemState] = [:]
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                start += 500
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT id, state FROM items WHERE id IN (\(marks))",
                                                    arguments: StatementArguments(batch))
                while let row = try rows.next() {
                    if let state = ItemState(rawValue: row["state"]) { states[row["id"]] = state }
                }
            }
            return states
        }
    }

    // MARK: Ledger

    /// Opens a run record.
    package func beginRun(command: String, at: Date, clock: Date) throws -> Int64 {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (command, at, started_at, pid) VALUES (?, ?, ?, ?)",
                           arguments: [command, Timestamp.utc(at), Timestamp.utc(clock), Int(getpid())])
            return db.lastInsertedRowID
        }
    }

    /// Records a plan's slots and items in one transaction.
    package func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            var result = RecordResult(pending: 0, skipped: 0, slots: 0)
            for decision in plan.schedules {
                let status: SlotStatus
                switch decision.status {
                case .due: status = .ran
                case .missed: status = .missed
                default: continue
                }
                guard let slot = decision.slot else { continue }
                try db.execute(sql: """
                    INSERT INTO slots (schedule, slot, status, run_id, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (schedule, slot) DO NOTHING
                    """, arguments: [decision.schedule, slot, status.rawValue, runID, now])
                result.slots += db.changesCount
            }
            try Self.recordChangeState(plan, in: db, at: now)
            let upsert = try db.makeStatement(sql: """
                INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, reason, payload, run_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                  slot = excluded.slot, state = excluded.state, reason = excluded.reason, payload = excluded.payload,
                  run_id = excluded.run_id, updated_at = excluded.updated_at
                WHERE items.state = 'skipped'
                """)
            let event = try db.makeStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, ?, ?)")
            for item in plan.items {
                if item.action == .skip, let reason = item.reason,
                   reason == SkipReason.alreadySent.description || reason == SkipReason.alreadyPlanned.description
                    || reason == SkipReason.failedEarlier.description {
                    continue
                }
                // Over the daily cap: pending all the same, to go out in a run with room.
                let capped = item.action == .skip && item.reason == SkipReason.dailyCap.description
                let state: ItemState = item.action == .send || capped ? .pending : .skipped
                var stored = item
                if capped {
                    stored.action = .send
                    stored.reason = nil
                }
                try upsert.execute(arguments: [item.id, item.schedule, item.slot, item.key, item.occurrence, item.channel.rawValue,
                                               item.recipient, state.rawValue, stored.reason, stored.json.compact(), runID, now, now])
                guard db.changesCount > 0 else { continue }
                try event.execute(arguments: [item.id, runID, now, state.rawValue, capped ? item.reason : stored.reason])
                if state == .pending { result.pending += 1 } else { result.skipped += 1 }
            }
            return result
        }
    }

    /// Items a dead run left in `sending`, each with whether its message was being handed over
    /// (a `handed-over` event after its last `sending` one). Items claimed by a run whose
    /// process is still alive on this machine are not orphans and are left alone.
    package func orphanedSending() throws -> [LedgerItem] {
        let rows = try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT items.*, runs.pid AS claimer_pid,
                  EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = items.id AND e.state = 'handed-over'
                          AND e.id > (SELECT MAX(s.id) FROM item_events s WHERE s.item_id = items.id AND s.state = 'sending')) AS handed_over
                FROM items LEFT JOIN runs ON runs.id = items.claimed_by
                WHERE items.state = 'sending' ORDER BY items.created_at, items.schedule, items.key, items.recipient
                """)
        }
        return try rows.filter { row in
            guard let pid: Int32 = row["claimer_pid"] else { return true }
            return pid == getpid() || !ProcessLiveness.isCrier(pid: pid)
        }.map { row in
            var item = try Self.ledgerItem(row)
            item.handedOver = row["handed_over"]
            return item
        }
    }

    /// Records the hand-over of `id`'s message as an event of its claiming run.
    package func markHandedOver(id: String, runID: Int64, at: Date) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state) VALUES (?, ?, ?, 'handed-over')")
                .execute(arguments: [id, runID, Timestamp.utc(at)])
        }
    }

    /// Pending items in plan order.
    package func pending() throws -> [LedgerItem] {
        try items(sql: "SELECT * FROM items WHERE state = 'pending' ORDER BY created_at, schedule, key, recipient")
    }

    /// pending → sending, only if still pending.
    package func claim(id: String, runID: Int64, at: Date) throws -> Bool {
        try queue.write { db in try Self.claim(id: id, runID: runID, at: Timestamp.utc(at), in: db) }
    }

    /// Records how an attempt ended.
    package func settle(id: String, state: ItemState, error: String?, providerID: String?, at: Date) throws {
        try queue.write { db in
            try Self.settle(Settlement(id: id, state: state, error: error, providerID: providerID), at: Timestamp.utc(at), in: db)
        }
    }

    /// Records `settlement` and claims `id` in one transaction.
    package func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            if let settlement { try Self.settle(settlement, at: now, in: db) }
            return try Self.claim(id: id, runID: runID, at: now, in: db)
        }
    }

    private static func claim(id: String, runID: Int64, at now: String, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE items SET state = 'sending', claimed_by = ?, attempts = attempts + 1, updated_at = ?
            WHERE id = ? AND state = 'pending'
            """).execute(arguments: [runID, now, id])
        guard db.changesCount == 1 else { return false }
        try db.cachedStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state) VALUES (?, ?, ?, 'sending')")
            .execute(arguments: [id, runID, now])
        return true
    }

    private static func settle(_ settlement: Settlement, at now: String, in db: Database) throws {
        let state = settlement.state.rawValue
        try db.cachedStatement(sql: """
            UPDATE items SET state = ?, last_error = ?, provider_id = COALESCE(?, provider_id), updated_at = ?,
              sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
            WHERE id = ?
            """).execute(arguments: [state, settlement.error, settlement.providerID, now, state, now, settlement.id])
        try db.cachedStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, (SELECT claimed_by FROM items WHERE id = ?), ?, ?, ?)")
            .execute(arguments: [settlement.id, settlement.id, now, state, settlement.error])
    }

    /// Closes a run record.
    package func finishRun(_ runID: Int64, outcome: String, at: Date) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", arguments: [Timestamp.utc(at), outcome, runID])
        }
    }

    private func items(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [LedgerItem] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.ledgerItem)
        }
    }

    static func ledgerItem(_ row: GRDB.Row) throws -> LedgerItem {
        let payload: String = row["payload"]
        let item = try JSONDecoder().decode(PlanItem.self, from: Data(payload.utf8))
        return LedgerItem(item: item, state: ItemState(rawValue: row["state"]) ?? .pending,
                          attempts: row["attempts"], lastError: row["last_error"])
    }
}
