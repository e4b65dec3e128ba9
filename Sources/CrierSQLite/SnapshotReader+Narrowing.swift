import CrierCore
import Foundation
import GRDB

/// The change trigger's narrower passes, as SQL wrapped around the schedule's query.
extension SnapshotReader {
    /// The parameter that carries the wanted keys into a narrowed query (a JSON array).
    static let keysParameter = "crier_change_keys"

    /// Streams only `columns` of `query`'s rows.
    package func forEachRow(query: String, parameters: [String: SQLValue], columns: [String],
                            _ body: (CrierCore.Row) throws -> Void) throws {
        try forEachRow(query: Self.projected(query, columns: columns), parameters: parameters, body)
    }

    /// Streams only `columns` of `query`'s rows, read in place: ASCII text lent from SQLite's
    /// buffers, other values copied as their `SQLValue.text`.
    package func forEachCells(query: String, parameters: [String: SQLValue], columns: [String],
                              _ body: (CellTexts) throws -> Void) throws {
        var buffer: CellTextsBuffer?
        try forEachStep(query: Self.projected(query, columns: columns), parameters: parameters) { raw, shape in
            if buffer == nil { buffer = CellTextsBuffer(shape: shape) }
            let cells = buffer.unsafelyUnwrapped
            for index in 0..<shape.names.count {
                Self.withText(raw, column: Int32(index)) { bytes, lent in
                    if lent { cells.lend(index, bytes) } else if let bytes { cells.copy(index, bytes) } else { cells.lend(index, nil) }
                }
            }
            try body(cells.cells)
        }
    }

    /// Streams the rows of `query` whose `key` is one of `keys`.
    package func forEachRow(query: String, parameters: [String: SQLValue], keys: [String], comparedAs comparison: KeyComparison,
                            _ body: (CrierCore.Row) throws -> Void) throws {
        var narrowed = parameters
        narrowed[Self.keysParameter] = .text(JSONValue.array(keys.map { .string($0) }).compact())
        try forEachRow(query: Self.narrowed(query, comparedAs: comparison), parameters: narrowed, body)
    }

    /// `query` reduced to `columns`, each quoted.
    static func projected(_ query: String, columns: [String]) -> String {
        let quoted = columns.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return "SELECT \(quoted.joined(separator: ", ")) FROM (\n\(body(of: query))\n)"
    }

    /// `query` narrowed to the keys bound to `keysParameter`.
    static func narrowed(_ query: String, comparedAs comparison: KeyComparison) -> String {
        let column = comparison == .text ? "CAST(\"key\" AS TEXT)" : "\"key\""
        return "SELECT * FROM (\n\(body(of: query))\n) WHERE \(column) IN (SELECT value FROM json_each(:\(keysParameter)))"
    }

    /// `query` without the semicolons and white space after it, to nest it.
    private static func body(of query: String) -> Substring {
        var body = Substring(query)
        while let last = body.last, last.isWhitespace || last == ";" { body.removeLast() }
        return body
    }
}
