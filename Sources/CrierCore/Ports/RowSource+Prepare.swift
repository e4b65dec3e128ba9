/// What preparing a query (without running it) tells: its columns and its parameters.
package struct PreparedQuery: Sendable, Equatable {
    /// Result column names in order.
    package var columns: [String]
    /// Named parameters it uses, without the colon (`window_start`).
    package var parameters: [String]

    /// A description of a prepared query.
    package init(columns: [String], parameters: [String]) {
        self.columns = columns
        self.parameters = parameters
    }
}

/// A row source that can also check a query against the snapshot's schema.
package protocol PreparingRowSource: RowSource {
    /// Compiles `query` against the snapshot without running it; throws QueryError when it
    /// does not compile, writes, attaches, or is more than one statement.
    func prepare(query: String) throws -> PreparedQuery
}
