import Foundation

/// The schema: one list of migrations, applied in order, each once, all in one transaction
/// under `pg_advisory_xact_lock` so that hosts starting together never race. Never edit a
/// shipped migration: add one. Text timestamps are UTC ISO 8601, as in the SQLite ledger,
/// and ordered columns use the "C" collation so both ledgers list in the same order.
extension PostgresLedger {
    /// Every migration, by name, in order.
    static let migrations: [(name: String, sql: String)] = [
        ("v1", """
            CREATE TABLE runs (
              id BIGSERIAL PRIMARY KEY,
              command TEXT NOT NULL,
              at TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              host TEXT NOT NULL,
              pid INTEGER NOT NULL,
              outcome TEXT
            );
            CREATE TABLE slots (
              schedule TEXT COLLATE "C" NOT NULL,
              slot TEXT COLLATE "C" NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('ran', 'missed')),
              run_id BIGINT NOT NULL REFERENCES runs(id),
              recorded_at TEXT NOT NULL,
              PRIMARY KEY (schedule, slot)
            );
            CREATE TABLE items (
              id TEXT COLLATE "C" PRIMARY KEY,
              schedule TEXT COLLATE "C" NOT NULL,
              slot TEXT COLLATE "C" NOT NULL,
              key TEXT COLLATE "C" NOT NULL,
              occurrence TEXT COLLATE "C" NOT NULL,
              channel TEXT NOT NULL,
              recipient TEXT COLLATE "C" NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('pending','sending','sent','failed','uncertain','skipped')),
              reason TEXT,
              payload TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0,
              last_error TEXT,
              provider_id TEXT,
              run_id BIGINT NOT NULL REFERENCES runs(id),
              claimed_by BIGINT,
              created_at TEXT COLLATE "C" NOT NULL,
              updated_at TEXT COLLATE "C" NOT NULL,
              sent_at TEXT COLLATE "C"
            );
            CREATE INDEX items_state ON items(state, created_at);
            CREATE INDEX items_schedule_key ON items(schedule, key);
            CREATE INDEX items_recipient ON items(recipient);
            CREATE INDEX items_quiet ON items(schedule, reason, state, slot);
            CREATE INDEX items_sent ON items(channel, sent_at) WHERE state = 'sent';
            CREATE TABLE item_events (
              id BIGSERIAL PRIMARY KEY,
              item_id TEXT COLLATE "C" NOT NULL REFERENCES items(id),
              run_id BIGINT,
              at TEXT NOT NULL,
              state TEXT NOT NULL,
              detail TEXT
            );
            CREATE INDEX item_events_item ON item_events(item_id);
            CREATE INDEX item_events_at ON item_events(at);
            CREATE TABLE change_definitions (
              schedule TEXT COLLATE "C" PRIMARY KEY,
              definition TEXT NOT NULL,
              generation BIGINT NOT NULL,
              recorded_at TEXT NOT NULL
            );
            CREATE TABLE change_fingerprints (
              schedule TEXT COLLATE "C" NOT NULL,
              key TEXT COLLATE "C" NOT NULL,
              fingerprint TEXT NOT NULL,
              PRIMARY KEY (schedule, key)
            );
            CREATE TABLE change_rows (
              schedule TEXT COLLATE "C" NOT NULL,
              key TEXT COLLATE "C" NOT NULL,
              rows TEXT NOT NULL,
              updated_at TEXT NOT NULL,
              PRIMARY KEY (schedule, key)
            );
            CREATE TABLE opt_outs (
              address TEXT COLLATE "C" PRIMARY KEY,
              reason TEXT,
              source TEXT NOT NULL CHECK (source IN ('manual', 'inbound')),
              created_at TEXT NOT NULL
            );
            CREATE TABLE inbound_replies (
              sender TEXT COLLATE "C" NOT NULL,
              received_at TEXT COLLATE "C" NOT NULL,
              body TEXT NOT NULL,
              keyword TEXT CHECK (keyword IN ('stop', 'start')),
              imported_at TEXT NOT NULL,
              PRIMARY KEY (sender, received_at, body)
            );
            """),
        // When an `upcoming` reminder's event starts: at delivery a started one is withdrawn.
        ("v2-item-event-at", "ALTER TABLE items ADD COLUMN event_at TEXT COLLATE \"C\""),
    ]

    /// Creates the schema when absent and applies the migrations it lacks, in one transaction.
    /// Throws `.newerSchema` when the ledger has a migration this crier does not know.
    func migrate() throws {
        try locked { connection in
            try connection.transaction {
                try connection.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", ["\(LockSpace.migrate.rawValue)", settings.schema])
                let schema = try connection.quotedIdentifier(settings.schema)
                try connection.executeScript("""
                    CREATE SCHEMA IF NOT EXISTS \(schema);
                    CREATE TABLE IF NOT EXISTS \(schema).crier_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
                    """)
                let applied = Set(try connection.execute("SELECT name FROM crier_migrations").rows.compactMap { $0["name"] })
                if let unknown = applied.subtracting(Self.migrations.map(\.name)).sorted().first {
                    throw PostgresError.newerSchema(server: settings.displayName, migration: unknown)
                }
                for migration in Self.migrations where !applied.contains(migration.name) {
                    try connection.executeScript(migration.sql)
                    try connection.execute("INSERT INTO crier_migrations (name) VALUES ($1)", [migration.name])
                }
            }
        }
    }
}
