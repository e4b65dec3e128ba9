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
        try forEachStep(query: query, parameters: parameters) { raw, shape in
            var values: [SQLValue] = []
            values.reserveCapacity(shape.names.count)
            for index in 0..<Int32(shape.names.count) { values.append(Self.value(raw, column: index)) }
            try body(CrierCore.Row(shape: shape, values: values))
        }
    }

    /// Steps through the rows of `query` with `parameters` bound: `body` reads each from the statement.
    func forEachStep(query: String, parameters: [String: SQLValue], _ body: (SQLiteStatement, CrierCore.RowShape) throws -> Void) throws {
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
            let cursor = try GRDB.Row.fetchCursor(statement)
            do {
                while try cursor.next() != nil { try body(statement.sqliteStatement, shape) }
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

    /// The value of `column` in the statement's current row, read from SQLite's own buffers.
    /// Text is read from its bytes (GRDB would decode them with U+FFFD in silence); bytes that
    /// are not UTF-8 become `.invalidText`.
    static func value(_ raw: SQLiteStatement, column index: Int32) -> SQLValue {
        switch sqlite3_column_type(raw, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(raw, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(raw, index))
        case SQLITE_TEXT:
            guard let start = sqlite3_column_text(raw, index) else { return .text("") }
            let bytes = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(raw, index)))
            if isASCII(bytes) { return .text(String(decoding: bytes, as: UTF8.self)) }
            if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
            return .invalidText(Array(bytes))
        default:
            let count = Int(sqlite3_column_bytes(raw, index))
            guard count > 0, let start = sqlite3_column_blob(raw, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: start, count: count)))
        }
    }

    /// The text bytes of `column` in the statement's current row, as `value(_:column:).text` gives
    /// them, and whether they are SQLite's own (valid until the next step) rather than a copy
    /// that lives only during `body`.
    @inline(__always)
    static func withText(_ raw: SQLiteStatement, column index: Int32, _ body: (UnsafeRawBufferPointer?, _ lent: Bool) -> Void) {
        switch sqlite3_column_type(raw, index) {
        case SQLITE_NULL:
            body(nil, true)
        case SQLITE_TEXT:
            if let start = sqlite3_column_text(raw, index) {
                let bytes = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(raw, index)))
                if isASCII(bytes) { return body(UnsafeRawBufferPointer(bytes), true) }
            }
            fallthrough
        default:
            var text = value(raw, column: index).text ?? ""
            text.withUTF8 { body(UnsafeRawBufferPointer($0), false) }
        }
    }

    /// Whether every byte is below 0x80 (then the bytes are valid UTF-8 as they are), eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        while index + 8 <= raw.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < raw.count {
            if raw[index] >= 0x80 { return false }
            index += 1
        }
        return true
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
        // 128 KiB: the kernel's copy and the hash then stay in the CPU's cache. With 1 MiB the
        // copy alone took 3-4 times the system time (0.11 s against 0.03 s for 170 MB here).
        var buffer = [UInt8](repeating: 0, count: 1 << 17)
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
