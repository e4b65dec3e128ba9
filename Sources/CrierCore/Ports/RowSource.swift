/// Runs a schedule's query over the snapshot and streams its rows.
package protocol RowSource {
    /// Calls `body` with each row of `query` in query order, binding the named `parameters`
    /// the query uses (`:now`, `:window_start`, ...). Never holds the whole result.
    func forEachRow(query: String, parameters: [String: SQLValue], _ body: (Row) throws -> Void) throws

    /// Like `forEachRow`, but reads only `columns` of the query's result, in that order, for a
    /// pass that needs no other. Throws QueryError when the result lacks one of them.
    func forEachRow(query: String, parameters: [String: SQLValue], columns: [String],
                    _ body: (Row) throws -> Void) throws

    /// Like `forEachRow`, but only the rows whose `key` column is one of `keys`, compared as
    /// `comparison` says. Throws QueryError when the query cannot be narrowed so (the caller
    /// then reads it whole).
    func forEachRow(query: String, parameters: [String: SQLValue], keys: [String], comparedAs comparison: KeyComparison,
                    _ body: (Row) throws -> Void) throws

    /// Like `forEachRow(query:parameters:columns:)`, but hands each row over in place, as text
    /// bytes, without building a `Row` (the change trigger's first pass reads a million rows).
    func forEachCells(query: String, parameters: [String: SQLValue], columns: [String],
                      _ body: (CellTexts) throws -> Void) throws
}

/// One row of a result read in place: valid only during the call that hands it over.
package protocol RowCells {
    /// The result's columns.
    var shape: RowShape { get }
    /// Calls `body` with the UTF-8 bytes of column `index`'s value as `SQLValue.text` gives
    /// them, nil for NULL.
    func withText(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Void)
}

extension Row: RowCells {
    /// The UTF-8 of `values[index].text`.
    package func withText(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Void) {
        guard var text = values[index].text else { return body(nil) }
        text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}

/// One row of a result read in place, as the text bytes of each column (as `SQLValue.text`
/// gives them, nil for NULL): valid only during the call that hands it over. A concrete type,
/// so that the change trigger's pass over a million rows reads each cell without a dynamic call.
package struct CellTexts: RowCells {
    /// The result's columns. Not retained by each row's copy: the `CellTextsBuffer` that hands
    /// the row over holds it, and a row is valid only during that call.
    package unowned(unsafe) let shape: RowShape
    fileprivate let texts: UnsafeMutableBufferPointer<UnsafeRawBufferPointer?>

    /// The bytes of column `index`, nil for NULL.
    @inline(__always)
    package func text(_ index: Int) -> UnsafeRawBufferPointer? { texts[index] }

    @inline(__always)
    package func withText(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Void) { body(texts[index]) }
}

/// Where a row source puts one row's cells before handing them over as `CellTexts`: bytes it
/// lends (valid until its next row) or bytes copied here.
package final class CellTextsBuffer {
    private let shape: RowShape
    private let texts: UnsafeMutableBufferPointer<UnsafeRawBufferPointer?>
    /// Per column, the space for copied bytes.
    private var copies: [UnsafeMutableRawBufferPointer]

    /// A buffer for rows of `shape`.
    package init(shape: RowShape) {
        self.shape = shape
        texts = .allocate(capacity: shape.names.count)
        texts.initialize(repeating: nil)
        copies = Array(repeating: UnsafeMutableRawBufferPointer(start: nil, count: 0), count: shape.names.count)
        cells = CellTexts(shape: shape, texts: texts)
    }

    deinit {
        texts.deallocate()
        for copy in copies { copy.deallocate() }
    }

    /// The row as it stands.
    package let cells: CellTexts

    /// Column `index` is `bytes`, which stay valid until the row is handed over.
    @inline(__always)
    package func lend(_ index: Int, _ bytes: UnsafeRawBufferPointer?) { texts[index] = bytes }

    /// Column `index` is a copy of `bytes`.
    package func copy(_ index: Int, _ bytes: UnsafeRawBufferPointer) {
        if copies[index].count < bytes.count {
            copies[index].deallocate()
            copies[index] = .allocate(byteCount: max(bytes.count, 64), alignment: 1)
        }
        if let base = bytes.baseAddress, !bytes.isEmpty { copies[index].baseAddress!.copyMemory(from: base, byteCount: bytes.count) }
        texts[index] = UnsafeRawBufferPointer(rebasing: copies[index][..<bytes.count])
    }

    /// Column `index` is `text` (copied), or NULL.
    package func copy(_ index: Int, _ text: String?) {
        guard var text else { return lend(index, nil) }
        text.withUTF8 { copy(index, UnsafeRawBufferPointer($0)) }
    }
}

extension RowSource {
    /// Built rows, for sources that read no faster in place.
    package func forEachCells(query: String, parameters: [String: SQLValue], columns: [String],
                              _ body: (CellTexts) throws -> Void) throws {
        var buffer: CellTextsBuffer?
        try forEachRow(query: query, parameters: parameters, columns: columns) { row in
            if buffer == nil { buffer = CellTextsBuffer(shape: row.shape) }
            for (index, value) in row.values.enumerated() { buffer!.copy(index, value.text) }
            try body(buffer!.cells)
        }
    }
}

/// How a query narrowed to some keys compares its `key` column with them.
package enum KeyComparison: Sendable, CaseIterable {
    /// As the column's value (uses the snapshot's indexes; compares with the column's affinity).
    case value
    /// As the value's text: finds keys the query computes as numbers.
    case text
}

/// A problem running a query, worded for the admin who wrote it.
package struct QueryError: Error, Sendable, CustomStringConvertible {
    /// What kind of mistake, for the advice given with it.
    package enum Kind: Sendable, Equatable {
        /// A table, column or function the snapshot does not have.
        case unknownName
        /// SQL that does not parse.
        case syntax
        /// SQL that stops before it is complete (an open bracket, quote or clause).
        case incomplete
        /// More than one statement (`SELECT ...; DROP TABLE ...`).
        case severalStatements
        /// Anything else.
        case other
    }

    /// SQLite's message (or crier's, for what crier refuses).
    package var message: String
    /// Text from the query that the message names (a column, a table), to place the error.
    package var token: String?
    /// What kind of mistake.
    package var kind: Kind

    /// An error with SQLite's `message`.
    package init(message: String, token: String? = nil, kind: Kind = .other) {
        self.message = message
        self.token = token
        self.kind = kind
    }

    /// The advice for this kind of mistake.
    package var hint: String {
        switch kind {
        case .unknownName: return "Fix the query: its tables and columns must exist in the snapshot"
        case .syntax: return "Fix the SQL syntax there"
        case .incomplete: return "The query ends too early: close every bracket and quote and finish the last clause"
        case .severalStatements: return "Remove the `;` and everything after it: a query is one SELECT statement"
        case .other: return "Fix the query"
        }
    }

    /// SQLite's message.
    package var description: String { message }
}
