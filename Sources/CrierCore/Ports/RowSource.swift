/// Runs a schedule's query over the snapshot and streams its rows.
package protocol RowSource {
    /// Calls `body` with each row of `query` in query order, binding the named `parameters`
    /// the query uses (`:now`, `:window_start`, ...). Never holds the whole result.
    func forEachRow(query: String, parameters: [String: SQLValue], _ body: (Row) throws -> Void) throws
}

/// A problem running a query, worded for the admin who wrote it.
package struct QueryError: Error, Sendable, CustomStringConvertible {
    /// SQLite's message.
    package var message: String
    /// Text from the query that the message names (a column, a table), to place the error.
    package var token: String?

    /// An error with SQLite's `message`.
    package init(message: String, token: String? = nil) {
        self.message = message
        self.token = token
    }

    /// SQLite's message.
    package var description: String { message }
}
