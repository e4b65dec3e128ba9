import CrierCore
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

@Suite("Snapshot reader")
struct SnapshotReaderTests {
    let path: String

    init() throws {
        let directory = NSTemporaryDirectory() + "crier-snapshot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/snapshot.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE t (k TEXT, at TEXT, n INTEGER, r REAL, b BLOB);
                INSERT INTO t VALUES ('a', '2026-11-24T01:00:00Z', 1, 1.5, x'00ff'), ('b', NULL, NULL, NULL, NULL);
                """)
        }
    }

    @Test func streamsRowsWithTypesAndBindsOnlyUsedParameters() throws {
        let reader = try SnapshotReader(path: path)
        var rows: [CrierCore.Row] = []
        try reader.forEachRow(query: "SELECT k AS key, at, n, r, b FROM t WHERE at IS NULL OR at >= :window_start ORDER BY k",
                              parameters: ["window_start": .text("2026-11-24T00:00:00Z"), "now": .text("x")]) { rows.append($0) }
        #expect(rows.count == 2)
        #expect(rows[0].values == [.text("a"), .text("2026-11-24T01:00:00Z"), .integer(1), .real(1.5), .blob([0, 255])])
        #expect(rows[1]["n"] == .null)
        #expect(try reader.prepare(query: "SELECT k FROM t WHERE at < :window_end_epoch").parameters == ["window_end_epoch"])
    }

    @Test func refusesWritesAttachAndSeveralStatements() throws {
        let reader = try SnapshotReader(path: path)
        for query in ["DELETE FROM t", "ATTACH DATABASE '/tmp/x.sqlite' AS x", "SELECT 1; DELETE FROM t", "PRAGMA query_only = 0",
                      "WITH x AS (SELECT 1) DELETE FROM t"] {
            #expect(throws: QueryError.self, "\(query)") { _ = try reader.prepare(query: query) }
        }
        let count = try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
        #expect(count == 2)
    }

    @Test func namesTheMissingColumn() throws {
        let reader = try SnapshotReader(path: path)
        do {
            _ = try reader.prepare(query: "SELECT kk FROM t")
            Issue.record("expected an error")
        } catch let error as QueryError {
            #expect(error.message == "no such column: kk")
            #expect(error.token == "kk")
        }
    }

    @Test func missingOrCorruptSnapshotNamesTheFile() throws {
        #expect(throws: SnapshotError.self) { _ = try SnapshotReader(path: path + ".missing") }
        let junk = path + ".junk"
        try Data("this is not sqlite, just some text that is long enough to have a header".utf8).write(to: URL(fileURLWithPath: junk))
        do {
            _ = try SnapshotReader(path: junk)
            Issue.record("expected an error")
        } catch let error as SnapshotError {
            #expect(error.description.hasPrefix("\(junk): error: the snapshot cannot be read as SQLite"))
        }
    }
}
