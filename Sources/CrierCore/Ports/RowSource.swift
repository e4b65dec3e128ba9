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
                      _ body: (any RowCells) throws -> Void) throws
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

extension RowSource {
    /// Built rows, for sources that read no faster in place.
    package func forEachCells(query: String, parameters: [String: SQLValue], columns: [String],
                              _ body: (any RowCells) throws -> Void) throws {
        try forEachRow(query: query, parameters: parameters, columns: columns) { try body($0) }
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
