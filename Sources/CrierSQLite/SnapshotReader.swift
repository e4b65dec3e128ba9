import CrierCore
import Foundation
import GRDB
import GRDBSQLite

/// The business snapshot, opened read-only three times over: a read-only connection,
/// `PRAGMA query_only`, and no ATTACH allowed. Streams query rows; never loads a table.
package final class SnapshotReader: PreparingRowSource {
    /// The snapshot's path.
    package let path: String
    private let queue: DatabaseQueue

    /// Opens `path` read-only. Throws SnapshotError naming the file when it is missing, not a
    /// SQLite database, or corrupt.
    package init(path: String) throws(SnapshotError) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw SnapshotError.missing(path) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "snapshot"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = 1")
            sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_ATTACHED, 0)
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw Self.unreadable(path, error)
        }
    }

    /// `error` of SQLite's, in its own words (without GRDB's statement dump).
    private static func unreadable(_ path: String, _ error: any Error) -> SnapshotError {
        guard let error = error as? DatabaseError else { return .unreadable(path, "\(error)") }
        return .unreadable(path, error.message ?? "SQLite error \(error.resultCode.rawValue)")
    }

    /// Compiles `query` without running it.
    package func prepare(query: String) throws -> PreparedQuery {
        try queue.read { db in
            let statement = try Self.statement(db, query)
            return PreparedQuery(columns: statement.columnNames, parameters: Self.parameterNames(statement))
        }
    }

    /// Streams the rows of `query` with `parameters` bound.
    package func forEachRow(query: String, parameters: [String: SQLValue], _ body: (CrierCore.Row) throws -> Void) throws {
        try queue.read { db in
            let statement = try Self.statement(db, query)
            var arguments = StatementArguments()
            for name in Self.parameterNames(statement) {
                guard let value = parameters[name] else {
                    throw QueryError(message: "the query uses :\(name), which the engine does not bind", token: ":\(name)")
                }
                _ = arguments.append(contentsOf: [name: Self.databaseValue(value)])
            }
            statement.setUncheckedArguments(arguments)
            let shape = CrierCore.RowShape(names: statement.columnNames)
            let count = statement.columnCount
            let cursor = try GRDB.Row.fetchCursor(statement)
            do {
                while let row = try cursor.next() {
                    var values: [SQLValue] = []
                    values.reserveCapacity(count)
                    for index in 0..<count {
                        values.append(Self.text(statement, column: index) ?? Self.value(row[index] as DatabaseValue))
                    }
                    try body(CrierCore.Row(shape: shape, values: values))
                }
            } catch let error as DatabaseError {
                throw Self.queryError(error)
            }
        }
    }

    /// The snapshot's tables with their columns, for `validate`.
    package func tables() throws(SnapshotError) -> [String: [String]] {
        do {
            return try queue.read { db in
                var tables: [String: [String]] = [:]
                for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name") {
                    tables[name] = try db.columns(in: name).map(\.name)
                }
                return tables
            }
        } catch {
            throw Self.unreadable(path, error)
        }
    }

    private static func statement(_ db: Database, _ query: String) throws -> Statement {
        guard let keyword = firstKeyword(query), ["SELECT", "WITH", "VALUES"].contains(keyword) else {
            throw QueryError(message: "a schedule's query must be one SELECT (or WITH ... SELECT) statement; it may not change or attach anything")
        }
        let statement: Statement
        do {
            statement = try db.makeStatement(sql: query)
        } catch let error as DatabaseError {
            throw queryError(error)
        }
        guard statement.isReadonly else {
            throw QueryError(message: "a schedule's query must only read the snapshot")
        }
        return statement
    }

    private static func parameterNames(_ statement: Statement) -> [String] {
        let count = sqlite3_bind_parameter_count(statement.sqliteStatement)
        guard count > 0 else { return [] }
        var names: [String] = []
        for index in 1...count {
            guard let cName = sqlite3_bind_parameter_name(statement.sqliteStatement, index) else { continue }
            let name = String(cString: cName)
            let bare = String(name.dropFirst())
            if !names.contains(bare) { names.append(bare) }
        }
        return names
    }

    /// The first SQL keyword, skipping white space and comments.
    static func firstKeyword(_ sql: String) -> String? {
        var rest = Substring(sql)
        while true {
            rest = rest.drop { $0.isWhitespace || $0 == "(" }
            if rest.hasPrefix("--") {
                rest = rest.drop { $0 != "\n" }
            } else if rest.hasPrefix("/*") {
                guard let end = rest.range(of: "*/") else { return nil }
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        let word = rest.prefix { $0.isLetter }
        return word.isEmpty ? nil : word.uppercased()
    }

    private static func queryError(_ error: DatabaseError) -> QueryError {
        let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        if message.hasPrefix("Multiple statements found") {
            return QueryError(message: "the query holds more than one statement", token: ";", kind: .severalStatements)
        }
        for prefix in ["no such column: ", "no such table: ", "no such function: "] {
            if let range = message.range(of: prefix) {
                return QueryError(message: message, token: String(message[range.upperBound...]), kind: .unknownName)
            }
        }
        if message.hasPrefix("incomplete input") { return QueryError(message: message, kind: .incomplete) }
        if let start = message.range(of: "near \""), let end = message[start.upperBound...].firstIndex(of: "\"") {
            return QueryError(message: message, token: String(message[start.upperBound..<end]), kind: message.hasSuffix("syntax error") ? .syntax : .other)
        }
        return QueryError(message: message)
    }

    /// A text column read from its bytes (GRDB would decode them with U+FFFD in silence);
    /// nil for a column of another type.
    private static func text(_ statement: Statement, column: Int) -> SQLValue? {
        let raw = statement.sqliteStatement
        let index = Int32(column)
        guard sqlite3_column_type(raw, index) == SQLITE_TEXT, let start = sqlite3_column_text(raw, index) else { return nil }
        let bytes = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(raw, index)))
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .invalidText(Array(bytes))
    }

    private static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .real(number)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob([UInt8](data))
        }
    }

    private static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: return .null
        case .integer(let number): return number.databaseValue
        case .real(let number): return number.databaseValue
        case .text(let text): return text.databaseValue
        case .blob(let bytes), .invalidText(let bytes): return Data(bytes).databaseValue
        }
    }
}

extension SnapshotReader {
    /// SHA-256 of the file's bytes at `path`, streamed.
    package static func sha256(of path: String) throws(SnapshotError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errno == ENOENT ? .missing(path) : .cannotRead(path, String(cString: strerror(errno))) }
        defer { close(fd) }
        var hasher = StreamingSHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .cannotRead(path, String(cString: strerror(errno))) }
            if count == 0 { return hasher.finalize() }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
        }
    }
}

/// Why the snapshot cannot be used; `SnapshotError+Diagnostic` words it.
package enum SnapshotError: Error, Sendable, Equatable {
    /// No file at the path.
    case missing(String)
    /// The file is not a SQLite database, or is corrupt (SQLite's reason).
    case unreadable(String, String)
    /// The file cannot be read at all (the system's reason).
    case cannotRead(String, String)
}
