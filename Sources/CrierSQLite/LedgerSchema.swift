import CrierCore
import Foundation
import GRDB

/// The ledger's schema: every migration, in order, in one place. Only `crier run`, `execute`
/// and the suppression-list commands migrate (under the run lock); reading commands ask
/// `version(of:)` and refuse a ledger that is not current. Never edit a shipped migration.
package enum LedgerSchema {
    /// Where a ledger's schema stands against this crier's.
    package enum Version: Equatable {
        /// Nothing in it yet (a file without tables).
        case empty
        /// Some of this crier's migrations are missing.
        case older
        /// Every migration is there.
        case current
        /// It has migrations this crier does not know.
        case newer
    }

    /// How `db`'s schema compares with this crier's.
    package static func version(of db: Database) throws -> Version {
        let applied = try migrator.appliedIdentifiers(db)
        if try migrator.hasBeenSuperseded(db) { return .newer }
        if applied.isEmpty { return .empty }
        return try migrator.hasCompletedMigrations(db) ? .current : .older
    }

    /// The migrations, one per change.
    package static var migrator: DatabaseMigrator {
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
        // The suppression list and the imported inbound replies.
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
        // Fingerprints (read for every key at each run) apart from the last seen rows (read
        // only for keys that changed or left).
        migrator.registerMigration("v4-change-state-split") { db in
            try db.execute(sql: """
                CREATE TABLE change_fingerprints (
                  schedule TEXT NOT NULL,
                  key TEXT NOT NULL,
                  fingerprint TEXT NOT NULL,
                  PRIMARY KEY (schedule, key)
                ) WITHOUT ROWID;
                CREATE TABLE change_rows (
                  schedule TEXT NOT NULL,
                  key TEXT NOT NULL,
                  rows TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  PRIMARY KEY (schedule, key)
                ) WITHOUT ROWID;
                INSERT INTO change_fingerprints (schedule, key, fingerprint) SELECT schedule, key, fingerprint FROM change_state;
                INSERT INTO change_rows (schedule, key, rows, updated_at) SELECT schedule, key, rows, updated_at FROM change_state;
                DROP TABLE change_state;
                """)
        }
        // A change schedule's state advances only from the generation its plan read, so two
        // runs that read the same state never both record (and send) its events.
        migrator.registerMigration("v5-change-generation") { db in
            try db.execute(sql: "ALTER TABLE change_definitions ADD COLUMN generation INTEGER NOT NULL DEFAULT 0")
        }
        // Delivery writes as few pages as it can (each state change is its own durable commit):
        // the message lives apart from the small state row, the hand-over is a column of that row,
        // the happy path (claim, hand-over, sent) writes no event rows, and only open or sent items
        // sit in the state indexes.
        migrator.registerMigration("v6-lean-delivery") { db in
            try db.execute(sql: """
                CREATE TABLE item_payloads (
                  id TEXT PRIMARY KEY,
                  payload TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO item_payloads (id, payload) SELECT id, payload FROM items;
                ALTER TABLE items DROP COLUMN payload;
                ALTER TABLE items ADD COLUMN handed_over_at TEXT;
                UPDATE items SET handed_over_at = (
                  SELECT h.at FROM item_events h WHERE h.item_id = items.id AND h.state = 'handed-over'
                    AND h.id > (SELECT MAX(s.id) FROM item_events s WHERE s.item_id = items.id AND s.state = 'sending')
                  ORDER BY h.id DESC LIMIT 1)
                WHERE state = 'sending';
                DROP INDEX items_state;
                CREATE INDEX items_pending ON items(created_at) WHERE state = 'pending';
                CREATE INDEX items_sending ON items(created_at) WHERE state = 'sending';
                CREATE INDEX items_sent ON items(sent_at) WHERE state = 'sent';
                DROP INDEX items_quiet;
                CREATE INDEX items_quiet ON items(schedule, reason, state, slot) WHERE reason IS NOT NULL;
                DROP INDEX item_events_at;
                """)
        }
        // When an `upcoming` reminder's event starts (UTC ISO text): at delivery a reminder
        // whose event has started is withdrawn, however long it was pending.
        migrator.registerMigration("v7-item-event-at") { db in
            try db.execute(sql: "ALTER TABLE items ADD COLUMN event_at TEXT")
        }
        // Fewer pages per item. Payloads are compressed (`PayloadCodec`; older ones stay TEXT) in
        // a rowid table, where one fits its page instead of spilling into overflow pages as it
        // did in the WITHOUT ROWID table. One index holds the open items (pending and sending),
        // so a claim rewrites its entry in place instead of moving it between two indexes.
        migrator.registerMigration("v8-compact-delivery") { db in
            try db.execute(sql: """
                CREATE TABLE item_payloads_v8 (
                  id TEXT PRIMARY KEY,
                  payload BLOB NOT NULL
                );
                INSERT INTO item_payloads_v8 (id, payload) SELECT id, payload FROM item_payloads;
                DROP TABLE item_payloads;
                ALTER TABLE item_payloads_v8 RENAME TO item_payloads;
                DROP INDEX items_pending;
                DROP INDEX items_sending;
                CREATE INDEX items_open ON items(created_at) WHERE state IN ('pending', 'sending');
                """)
        }
        // Fingerprints as 16 bytes instead of 32 hex digits (`ChangeFingerprint.bytes`): a change
        // schedule's fingerprints are all read at each run, and their rows take a third fewer
        // pages (the table is rebuilt in key order, so its pages are full). One that is not a
        // fingerprint stays as it is (it counts as changed, as before).
        migrator.registerMigration("v9-fingerprint-bytes") { db in
            db.add(function: DatabaseFunction("crier_fingerprint_bytes", argumentCount: 1, pure: true) { values in
                guard let hex = String.fromDatabaseValue(values[0]), let fingerprint = ChangeFingerprint(hex: hex) else { return values[0] }
                return Data(fingerprint.bytes)
            })
            try db.execute(sql: """
                CREATE TABLE change_fingerprints_v9 (
                  schedule TEXT NOT NULL,
                  key TEXT NOT NULL,
                  fingerprint BLOB NOT NULL,
                  PRIMARY KEY (schedule, key)
                ) WITHOUT ROWID;
                INSERT INTO change_fingerprints_v9 (schedule, key, fingerprint)
                  SELECT schedule, key, crier_fingerprint_bytes(fingerprint) FROM change_fingerprints ORDER BY schedule, key;
                DROP TABLE change_fingerprints;
                ALTER TABLE change_fingerprints_v9 RENAME TO change_fingerprints;
                """)
        }
        // Payloads compressed with zstd instead of zlib (`PayloadCompressor`). Nothing to change:
        // the zlib ones read as before. The step is here so that a crier from before it, which
        // could not read a zstd payload, refuses this ledger as newer instead.
        migrator.registerMigration("v10-zstd-payloads") { _ in }
        // A key's last seen rows in a rowid table, found through a small (schedule, key) index:
        // in the WITHOUT ROWID table every entry outgrew what a 512-byte page keeps in place and
        // spilled its rows into an overflow page of its own (a page per key), and its interior
        // pages held ten keys each, so fetching the old rows of the keys that changed read ten
        // pages a key (docs/benchmarks.md, "W4: the old rows in a rowid table").
        migrator.registerMigration("v11-change-rows-rowid") { db in
            try db.execute(sql: """
                CREATE TABLE change_rows_v11 (
                  schedule TEXT NOT NULL,
                  key TEXT NOT NULL,
                  rows TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  UNIQUE (schedule, key)
                );
                INSERT INTO change_rows_v11 (schedule, key, rows, updated_at)
                  SELECT schedule, key, rows, updated_at FROM change_rows ORDER BY schedule, key;
                DROP TABLE change_rows;
                ALTER TABLE change_rows_v11 RENAME TO change_rows;
                """)
        }
        // The items' state rule as comparisons instead of `state IN (six values)`: SQLite checks
        // an IN list of more than two values through a temporary index it builds at every INSERT
        // and UPDATE that sets the state, about 38,000 instructions each (a third of a hand-over
        // record's; docs/benchmarks.md, "The state rule without a temporary index"). The same
        // rule, so no row is rewritten: the table's SQL text is edited in place, SQLite's
        // documented way to change a CHECK constraint (ALTER TABLE, "Making Other Kinds Of Table
        // Schema Changes": writable_schema, then the schema version moved on so that every
        // connection reads the new text).
        migrator.registerMigration("v12-state-check-comparisons") { db in
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'items'"),
                  sql.contains(Self.stateInList) else { return }
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'items'",
                           arguments: [sql.replacingOccurrences(of: Self.stateInList, with: Self.stateComparisons)])
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        return migrator
    }

    /// The items' state rule as `v1` wrote it, and as `v12-state-check-comparisons` rewrites it.
    static let stateInList = "CHECK (state IN ('pending','sending','sent','failed','uncertain','skipped'))"
    static let stateComparisons = """
        CHECK (state = 'pending' OR state = 'sending' OR state = 'sent' OR state = 'failed' OR state = 'uncertain' OR state = 'skipped')
        """
}
