import CLibPQ
import Foundation

/// One libpq connection: blocking calls, parameters always bound (never interpolated into
/// SQL), errors as `PostgresError` naming the server. Not thread-safe: its owner serialises
/// calls. It never reconnects by itself: a session advisory lock held on it must not silently
/// disappear behind a new connection.
package final class PostgresConnection {
    private let handle: OpaquePointer
    /// The server, for messages (hosts, database, schema; no user-info, no password).
    package let server: String

    /// Connects with `connection` (a libpq URL or keyword/value string) over `defaults` (which
    /// the connection's own settings override); `password`, when given, overrides both.
    package init(connection: String, defaults: [(String, String)], password: String?, server: String) throws {
        self.server = server
        var pairs = defaults + [("dbname", connection)]
        if let password { pairs.append(("password", password)) }
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        var valuePointers = values.map { UnsafePointer($0) } + [nil]
        guard let handle = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw PostgresError.cannotConnect(server: server, message: "out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(handle))
            PQfinish(handle)
            throw PostgresError.cannotConnect(server: server, message: message)
        }
        self.handle = handle
    }

    deinit { PQfinish(handle) }

    /// Whether the connection is still up as far as libpq knows.
    package var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with `parameters` bound as text ($1, $2, ...; nil is NULL) and
    /// returns its whole result.
    @discardableResult
    package func execute(_ sql: String, _ parameters: [String?] = []) throws -> PostgresResult {
        let result = withParameters(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs a script of several statements (constant SQL only: it binds no parameters).
    package func executeScript(_ sql: String) throws {
        _ = try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs one query and calls `body` with each row as it arrives (libpq's single-row mode),
    /// never holding the whole result.
    package func forEachRow(_ sql: String, _ parameters: [String?] = [], _ body: (PostgresRow) throws -> Void) throws {
        let sent = withParameters(parameters) { values in
            PQsendQueryParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw failure(result: nil, sql: sql) }
        PQsetSingleRowMode(handle)
        var firstError: (any Error)?
        while let raw = PQgetResult(handle) {
            let result = PostgresResult(raw)
            guard firstError == nil else { continue }
            switch PQresultStatus(raw) {
            case PGRES_SINGLE_TUPLE:
                do { try body(PostgresRow(result: result, row: 0)) } catch { firstError = error }
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
                break
            default:
                firstError = failure(result: raw, sql: sql)
            }
        }
        if let firstError { throw firstError }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if isOpen { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// `name` quoted as an SQL identifier by libpq.
    package func quotedIdentifier(_ name: String) throws -> String {
        guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
            throw PostgresError.query(server: server, sqlState: nil, message: Self.text(PQerrorMessage(handle)))
        }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    private func withParameters<T>(_ parameters: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    private func check(_ raw: OpaquePointer?, sql: String) throws -> PostgresResult {
        guard let raw else { throw failure(result: nil, sql: sql) }
        let result = PostgresResult(raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK: return result
        default: throw failure(result: raw, sql: sql)
        }
    }

    /// The error of a failed call: the connection lost, or the server's message and SQLSTATE.
    private func failure(result: OpaquePointer?, sql: String) -> PostgresError {
        let message = result.map { Self.text(PQresultErrorMessage($0)) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.text(PQerrorMessage(handle))
        guard isOpen else { return .connectionLost(server: server, message: message) }
        let state = result.flatMap { PQresultErrorField($0, crier_pq_diag_sqlstate) }.map { String(cString: $0) }
        return .query(server: server, sqlState: state, message: message)
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A query's result, freed with it.
package final class PostgresResult {
    fileprivate let raw: OpaquePointer

    fileprivate init(_ raw: OpaquePointer) { self.raw = raw }
    deinit { PQclear(raw) }

    /// How many rows it holds.
    package var count: Int { Int(PQntuples(raw)) }
    /// How many rows the statement changed (INSERT, UPDATE, DELETE).
    package var changes: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }
    /// The rows.
    package var rows: [PostgresRow] { (0..<count).map { PostgresRow(result: self, row: Int32($0)) } }
    /// The first row, if any.
    package var first: PostgresRow? { count > 0 ? PostgresRow(result: self, row: 0) : nil }
}

/// One row of a result, its values as text.
package struct PostgresRow {
    fileprivate let result: PostgresResult
    fileprivate let row: Int32

    /// Column `name`'s text; nil when NULL or when there is no such column.
    package subscript(_ name: String) -> String? {
        let column = PQfnumber(result.raw, name)
        guard column >= 0, PQgetisnull(result.raw, row, column) == 0 else { return nil }
        return String(cString: PQgetvalue(result.raw, row, column))
    }

    /// Column `index`'s text; nil when NULL.
    package subscript(_ index: Int) -> String? {
        guard PQgetisnull(result.raw, row, Int32(index)) == 0 else { return nil }
        return String(cString: PQgetvalue(result.raw, row, Int32(index)))
    }

    /// Column `index`'s bytes, valid while the row is (for streaming without copies).
    package func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        guard let value = PQgetvalue(result.raw, row, Int32(index)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result.raw, row, Int32(index))))
    }

    /// Column `name` as an integer (0 when NULL).
    package func int(_ name: String) -> Int { self[name].flatMap { Int($0) } ?? 0 }
}
