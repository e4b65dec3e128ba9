import CrierCore
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

@Suite("Change state in the ledger")
struct ChangeStateLedgerTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "crier-change-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func plan(_ updates: [ChangeStateUpdate], definitions: [String: String] = ["s": "d1"]) -> Plan {
        Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s", schedules: [], items: [],
             stateUpdates: updates, definitions: definitions)
    }

    func fingerprints(_ ledger: LedgerStore, _ schedule: String) throws -> [(String, String?)] {
        var seen: [(String, String?)] = []
        try ledger.forEachChangeFingerprint(schedule: schedule) { key, fingerprint in
            seen.append((String(decoding: key, as: UTF8.self), fingerprint?.hex))
        }
        return seen
    }

    @Test func recordsStreamsInKeyOrderAndDeletes() throws {
        let ledger = try LedgerStore(path: directory + "/ledger.sqlite")
        let one = ChangeFingerprint(first: 1, second: 2).hex, two = ChangeFingerprint(first: .max, second: 0).hex
        _ = try ledger.record(plan([
            ChangeStateUpdate(schedule: "s", key: "T2", fingerprint: one, rows: #"[{"key":"T2"}]"#),
            ChangeStateUpdate(schedule: "s", key: "T10", fingerprint: two, rows: #"[{"key":"T10"}]"#),
            ChangeStateUpdate(schedule: "s", key: "Ngā", fingerprint: one, rows: "[]"),
            ChangeStateUpdate(schedule: "other", key: "T1", fingerprint: one, rows: "[]"),
        ]), runID: 1, at: Date())
        #expect(try ledger.changeDefinition(schedule: "s") == "d1")
        #expect(try fingerprints(ledger, "s").map(\.0) == ["Ngā", "T10", "T2"])
        #expect(try fingerprints(ledger, "s").map(\.1) == [one, two, one])
        #expect(try ledger.changeFingerprints(schedule: "s") == ["Ngā": one, "T10": two, "T2": one])
        #expect(try ledger.changeRows(schedule: "s", keys: ["T2", "T10", "T3"]) == ["T2": #"[{"key":"T2"}]"#, "T10": #"[{"key":"T10"}]"#])
        _ = try ledger.record(plan([
            ChangeStateUpdate(schedule: "s", key: "T2", fingerprint: two, rows: #"[{"key":"T2","n":2}]"#),
            ChangeStateUpdate(schedule: "s", key: "T10", fingerprint: nil, rows: nil),
        ], definitions: ["s": "d2"]), runID: 1, at: Date())
        #expect(try ledger.changeDefinition(schedule: "s") == "d2")
        #expect(try ledger.changeFingerprints(schedule: "s") == ["Ngā": one, "T2": two])
        #expect(try ledger.changeRows(schedule: "s", keys: ["T2", "T10"]) == ["T2": #"[{"key":"T2","n":2}]"#])
        #expect(try ledger.changeFingerprints(schedule: "other") == ["T1": one])
    }

    @Test func fingerprintsAreKeptAsSixteenBytesAndEarlierHexOnesAreConverted() throws {
        let fingerprint = ChangeFingerprint(first: 0x0123_4567_89ab_cdef, second: 0xfedc_ba98_7654_3210)
        let path = directory + "/v8.sqlite"
        let queue = try DatabaseQueue(path: path)
        try LedgerSchema.migrator.migrate(queue, upTo: "v8-compact-delivery")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO change_fingerprints VALUES ('s', 'T1', ?), ('s', 'T2', 'not a fingerprint')", arguments: [fingerprint.hex])
        }
        try queue.close()
        let ledger = try LedgerStore(path: path)
        _ = try ledger.record(plan([ChangeStateUpdate(schedule: "s", key: "T3", fingerprint: fingerprint.hex, rows: "[]")]), runID: 1, at: Date())
        let stored = try ledger.queue.read { db in
            try GRDB.Row.fetchAll(db, sql: "SELECT key, typeof(fingerprint) AS type, length(fingerprint) AS size FROM change_fingerprints ORDER BY key")
                .map { "\($0["key"] as String) \($0["type"] as String) \($0["size"] as Int)" }
        }
        #expect(stored == ["T1 blob 16", "T2 text 17", "T3 blob 16"], "converted by the migration, recorded as bytes, the unreadable one left")
        #expect(Data(fingerprint.bytes) == Data([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]))
        #expect(try fingerprints(ledger, "s").map(\.1) == [fingerprint.hex, nil, fingerprint.hex])
        #expect(try ledger.changeFingerprints(schedule: "s") == ["T1": fingerprint.hex, "T2": "", "T3": fingerprint.hex])
    }

    @Test func theSplitMigrationKeepsTheStateOfEarlierLedgers() throws {
        let path = directory + "/old.sqlite"
        let queue = try DatabaseQueue(path: path)
        try LedgerSchema.migrator.migrate(queue, upTo: "v3-opt-outs")
        let fingerprint = ChangeFingerprint(first: 0xabc, second: 0xdef).hex
        try queue.write { db in
            try db.execute(sql: "INSERT INTO change_definitions VALUES ('s', 'd1', '2026-11-23T00:00:00Z')")
            try db.execute(sql: "INSERT INTO change_state VALUES ('s', 'T1', ?, '[{\"key\":\"T1\"}]', '2026-11-23T00:00:00Z')",
                           arguments: [fingerprint])
            try db.execute(sql: "INSERT INTO change_state VALUES ('s', 'T2', 'not a fingerprint', '[]', '2026-11-23T00:00:00Z')")
        }
        try queue.close()
        let ledger = try LedgerStore(path: path)
        #expect(try ledger.changeDefinition(schedule: "s") == "d1")
        #expect(try fingerprints(ledger, "s").map(\.0) == ["T1", "T2"])
        #expect(try fingerprints(ledger, "s").map(\.1) == [fingerprint, nil], "an unreadable fingerprint counts as changed")
        #expect(try ledger.changeRows(schedule: "s", keys: ["T1", "T2"]) == ["T1": #"[{"key":"T1"}]"#, "T2": "[]"])
        let tables = try ledger.queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name LIKE 'change_%' ORDER BY name") }
        #expect(tables == ["change_definitions", "change_fingerprints", "change_rows"])
    }

    @Test func theOldRowsMoveToARowidTableWhereTheyFitTheirPage() throws {
        let path = directory + "/v10.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA page_size = 512") }
        try LedgerSchema.migrator.migrate(queue, upTo: "v10-zstd-payloads")
        let rows = #"[{"key":"T1","recipient":"user1@example.com","status":"Open","title":"Ticket 1"}]"#
        try queue.write { db in
            for key in ["T1", "T2", "T3"] {
                try db.execute(sql: "INSERT INTO change_rows VALUES ('s', ?, ?, '2026-11-23T00:00:00Z')",
                               arguments: [key, rows.replacingOccurrences(of: "T1", with: key)])
            }
        }
        let spilled = try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM dbstat WHERE name = 'change_rows' AND pagetype = 'overflow'")
        }
        #expect(spilled == 3, "before: each row spills into an overflow page of its own")
        try queue.close()
        let ledger = try LedgerStore(path: path)
        #expect(try ledger.changeRows(schedule: "s", keys: ["T1", "T3", "T4"])
                == ["T1": rows, "T3": rows.replacingOccurrences(of: "T1", with: "T3")])
        let after = try ledger.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM dbstat WHERE name = 'change_rows' AND pagetype = 'overflow'"),
             try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM pragma_index_list('change_rows') WHERE \"unique\" = 1"))
        }
        #expect(after.0 == 0, "in a rowid table a row fits its page")
        #expect(after.1 == true, "(schedule, key) stays unique")
        _ = try ledger.record(plan([
            ChangeStateUpdate(schedule: "s", key: "T2", fingerprint: ChangeFingerprint(first: 1, second: 2).hex, rows: "[]"),
            ChangeStateUpdate(schedule: "s", key: "T3", fingerprint: nil, rows: nil),
        ]), runID: 1, at: Date())
        #expect(try ledger.changeRows(schedule: "s", keys: ["T1", "T2", "T3"]) == ["T1": rows, "T2": "[]"], "updated in place and deleted as before")
    }
}
