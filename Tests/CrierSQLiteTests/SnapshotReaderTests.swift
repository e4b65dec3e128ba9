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

    /// Checks that rows read in place give each value's text bytes as the built rows' `.text` does.
    @Test func cellsInPlaceGiveTheTextOfEachValue() throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO t VALUES ('Tāmati', CAST(x'41ff42' AS TEXT), -7, 2.0, x'414243'), ('', 'ok', 3, 1e20, x'')")
        }
        let reader = try SnapshotReader(path: path)
        let query = "SELECT k AS key, at, n, r, b FROM t ORDER BY rowid"
        let columns = ["key", "at", "n", "r", "b"]
        var built: [[String?]] = []
        try reader.forEachRow(query: query, parameters: [:], columns: columns) { row in built.append(row.values.map(\.text)) }
        var inPlace: [[String?]] = []
        try reader.forEachCells(query: query, parameters: [:], columns: columns) { cells in
            #expect(cells.shape.names == columns)
            inPlace.append(columns.indices.map { index in
                var text: String?
                cells.withText(index) { bytes in text = bytes.map { String(decoding: $0, as: UTF8.self) } }
                return text
            })
        }
        #expect(built.count == 4)
        #expect(inPlace == built)
        #expect(inPlace[2] == ["Tāmati", "A\u{FFFD}B", "-7", "2", "ABC"])
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

    @Test func missingOrCorruptSnapshotNamesTheFileAndWhatToDo() throws {
        let missing = #expect(throws: SnapshotError.self) { _ = try SnapshotReader(path: path + ".missing") }
        #expect(missing?.diagnostic.description == "\(path).missing: error: the snapshot does not exist. Point `snapshot:` in crier.yaml "
            + "at the SQLite copy of the business database (or make a sample with `crier sample`)")
        let junk = path + ".junk"
        try Data("this is not sqlite, just some text that is long enough to have a header".utf8).write(to: URL(fileURLWithPath: junk))
        let corrupt = #expect(throws: SnapshotError.self) { _ = try SnapshotReader(path: junk) }
        #expect(corrupt?.diagnostic.description
            == "\(junk): error: the snapshot cannot be read as SQLite (file is not a database). Replace it with a complete copy of the database")
        #expect(corrupt?.description == corrupt?.diagnostic.description)
    }

    @Test func hashesTheFileOrSaysWhyItCannot() throws {
        #expect(try SnapshotReader.sha256(of: path).count == 64)
        #expect(try SnapshotReader.sha256(of: path) == SnapshotReader.sha256(of: path))
        let folder = (path as NSString).deletingLastPathComponent
        let error = #expect(throws: SnapshotError.self) { _ = try SnapshotReader.sha256(of: folder) }
        #expect(error?.diagnostic.description == "\(folder): error: cannot read the snapshot: Is a directory. Make it readable by the user that runs crier")
        #expect(throws: SnapshotError.missing(path + ".gone")) { _ = try SnapshotReader.sha256(of: path + ".gone") }
    }

    @Test func projectedQueriesQuoteTheirColumns() throws {
        #expect(SnapshotReader.projected("SELECT 1 AS key;", columns: ["key", "say \"hi\""])
            == "SELECT \"key\", \"say \"\"hi\"\"\" FROM (\nSELECT 1 AS key\n)")
        let reader = try SnapshotReader(path: path)
        var rows: [CrierCore.Row] = []
        try reader.forEachRow(query: "SELECT k AS key, n, r FROM t ORDER BY k;\n", parameters: [:], columns: ["r", "key"]) { rows.append($0) }
        #expect(rows.map(\.values) == [[.real(1.5), .text("a")], [.null, .text("b")]])
        #expect(throws: QueryError.self) {
            try reader.forEachRow(query: "SELECT k AS key FROM t", parameters: [:], columns: ["key", "status"]) { _ in }
        }
    }

    @Test func narrowedQueriesWrapTheScheduleQuery() {
        #expect(SnapshotReader.narrowed("SELECT a AS key FROM t -- note\n ;\n", comparedAs: .value)
            == "SELECT * FROM (\nSELECT a AS key FROM t -- note\n) WHERE \"key\" IN (SELECT value FROM json_each(:crier_change_keys))")
        #expect(SnapshotReader.narrowed("SELECT 1 AS key", comparedAs: .text)
            == "SELECT * FROM (\nSELECT 1 AS key\n) WHERE CAST(\"key\" AS TEXT) IN (SELECT value FROM json_each(:crier_change_keys))")
    }

    @Test func narrowsToTheKeysByValueOrByText() throws {
        let reader = try SnapshotReader(path: path)
        func keys(_ query: String, _ wanted: [String], _ comparison: KeyComparison) throws -> [SQLValue] {
            var found: [SQLValue] = []
            try reader.forEachRow(query: query, parameters: ["now": .text("x")], keys: wanted, comparedAs: comparison) { found.append($0.values[0]) }
            return found
        }
        #expect(try keys("SELECT k AS key, n FROM t WHERE :now = 'x'", ["b", "z"], .value) == [.text("b")])
        // A key computed as a number equals the text of a wanted key only as text.
        #expect(try keys("SELECT n + 1 AS key FROM t", ["2"], .value) == [])
        #expect(try keys("SELECT n + 1 AS key FROM t", ["2"], .text) == [.integer(2)])
    }
}
