import CrierCore
import Foundation
import GRDB
import GRDBSQLite

/// The change trigger's state: per schedule its definition, and per key a fingerprint (read for
/// every key at each run) and the last seen rows (read only for keys that changed or left),
/// in two tables so that reading the fingerprints does not read the rows; and per schedule a
/// generation, advanced each time its state is.
extension LedgerStore {
    /// The recorded change-trigger definition.
    package func changeDefinition(schedule: String) throws -> String? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT definition FROM change_definitions WHERE schedule = ?", arguments: [schedule])
        }
    }

    /// How many times the schedule's change state was advanced.
    package func changeGeneration(schedule: String) throws -> Int64 {
        try queue.read { db in try Self.changeGeneration(schedule, in: db) }
    }

    static func changeGeneration(_ schedule: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT generation FROM change_definitions WHERE schedule = ?", arguments: [schedule]) ?? 0
    }

    /// Fingerprints per key, in a dictionary.
    package func changeFingerprints(schedule: String) throws -> [String: String] {
        var result: [String: String] = [:]
        try forEachChangeFingerprint(schedule: schedule) { key, fingerprint in
            result[String(decoding: key, as: UTF8.self)] = fingerprint?.hex ?? ""
        }
        return result
    }

    /// Fingerprints per key, streamed straight from SQLite's buffers.
    package func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws {
        try queue.read { db in
            let statement = try db.makeStatement(sql: "SELECT key, fingerprint FROM change_fingerprints WHERE schedule = ?")
            try Self.run(statement, [schedule], db) { row in
                try body(Self.bytes(row, 0), Self.fingerprint(row, 1))
            }
        }
    }

    /// Last seen rows of some keys.
    package func changeRows(schedule: String, keys: [String]) throws -> [String: String] {
        try queue.read { db in
            var result: [String: String] = [:]
            result.reserveCapacity(keys.count)
            let statement = try db.makeStatement(sql: "SELECT rows FROM change_rows WHERE schedule = ? AND key = ?")
            for key in keys {
                try Self.run(statement, [schedule, key], db) { row in
                    result[key] = String(decoding: Self.bytes(row, 0), as: UTF8.self)
                }
            }
            return result
        }
    }

    /// Records a plan's change definitions and state updates, except those of `lost`
    /// schedules, advancing each schedule's generation (inside `record`'s transaction).
    static func recordChangeState(_ plan: Plan, except lost: Set<String>, in db: Database, at now: String) throws {
        for (schedule, definition) in plan.definitions where !lost.contains(schedule) {
            try db.execute(sql: """
                INSERT INTO change_definitions (schedule, definition, recorded_at, generation) VALUES (?, ?, ?, 1)
                ON CONFLICT (schedule) DO UPDATE SET definition = excluded.definition, recorded_at = excluded.recorded_at,
                  generation = change_definitions.generation + 1
                """, arguments: [schedule, definition, now])
        }
        let updates = plan.stateUpdates.filter { !lost.contains($0.schedule) }
        guard !updates.isEmpty else { return }
        let setFingerprint = try db.makeStatement(sql: """
            INSERT INTO change_fingerprints (schedule, key, fingerprint) VALUES (?, ?, ?)
            ON CONFLICT (schedule, key) DO UPDATE SET fingerprint = excluded.fingerprint
            """)
        let setRows = try db.makeStatement(sql: """
            INSERT INTO change_rows (schedule, key, rows, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (schedule, key) DO UPDATE SET rows = excluded.rows, updated_at = excluded.updated_at
            """)
        let deleteFingerprint = try db.makeStatement(sql: "DELETE FROM change_fingerprints WHERE schedule = ? AND key = ?")
        let deleteRows = try db.makeStatement(sql: "DELETE FROM change_rows WHERE schedule = ? AND key = ?")
        for update in updates {
            if let fingerprint = update.fingerprint {
                // 16 bytes, not 32 hex digits (`v9-fingerprint-bytes`).
                if let value = ChangeFingerprint(hex: fingerprint) {
                    try run(setFingerprint, [update.schedule, update.key], db, blob: value.bytes)
                } else {
                    try run(setFingerprint, [update.schedule, update.key, fingerprint], db)
                }
                try run(setRows, [update.schedule, update.key, update.rows ?? "[]", now], db)
            } else {
                try run(deleteFingerprint, [update.schedule, update.key], db)
                try run(deleteRows, [update.schedule, update.key], db)
            }
        }
    }

    // MARK: Statements without GRDB's per-row values (a million keys per run)

    /// Binds `texts` to `statement`'s parameters in order, steps it through its result calling
    /// `row` at each row (read it with `bytes`), and resets it for the next run.
    private static func run(_ statement: Statement, _ texts: [String], _ db: Database, blob: [UInt8]? = nil,
                            row: (SQLiteStatement) throws -> Void = { _ in }) throws {
        let handle = statement.sqliteStatement
        if let blob {
            // The parameter after the texts.
            let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
            let code = blob.withUnsafeBytes { sqlite3_bind_blob(handle, Int32(texts.count + 1), $0.baseAddress, Int32($0.count), transient) }
            guard code == SQLITE_OK else { throw error(code, db) }
        }
        for (index, text) in texts.enumerated() {
            var text = text
            let code = text.withUTF8 { bytes -> Int32 in
                let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
                guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, Int32(index + 1), "", 0, transient) }
                return sqlite3_bind_text(handle, Int32(index + 1), UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                         Int32(bytes.count), transient)
            }
            guard code == SQLITE_OK else { throw error(code, db) }
        }
        defer { sqlite3_reset(handle) }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: try row(handle)
            case SQLITE_DONE: return
            case let code: throw error(code, db)
            }
        }
    }

    /// The fingerprint in column `index`: 16 bytes (`v9-fingerprint-bytes`), or 32 hex digits
    /// should one come in as text; nil when it is neither (an unreadable one counts as changed).
    private static func fingerprint(_ handle: SQLiteStatement, _ index: Int32) -> ChangeFingerprint? {
        // A blob's bytes, or a text's (SQLite converts neither): two calls a row, not four.
        let stored = UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, index), count: Int(sqlite3_column_bytes(handle, index)))
        return stored.count == 16 ? ChangeFingerprint(bytes: stored) : ChangeFingerprint(hex: stored)
    }

    /// Column `index` of the current row as bytes, valid until the next step.
    private static func bytes(_ handle: SQLiteStatement, _ index: Int32) -> UnsafeRawBufferPointer {
        guard let text = sqlite3_column_text(handle, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index)))
    }

    private static func error(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code),
                      message: db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) })
    }
}
