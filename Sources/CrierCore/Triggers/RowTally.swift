/// Counts a trigger's rows and reads each row's key; rows with a NULL or empty key are counted
/// and left out (the planner warns about them).
package struct RowTally: Sendable {
    /// Rows read.
    package private(set) var rows = 0
    /// Rows whose key was NULL or empty.
    package private(set) var nullKeys = 0

    /// An empty tally.
    package init() {}

    /// Counts `row` and returns its key, or nil (counted) when it has none.
    package mutating func key(of row: Row) -> String? {
        rows += 1
        guard let key = row["key"]?.text, !key.isEmpty else {
            nullKeys += 1
            return nil
        }
        return key
    }
}
