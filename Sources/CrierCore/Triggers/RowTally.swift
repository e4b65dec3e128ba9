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
        key(of: row, at: row.index(of: "key"))
    }

    /// Counts `row` and returns its key, read at `index` (the `key` column's place in the
    /// row's shape, looked up once per shape), or nil (counted) when it has none.
    package mutating func key(of row: Row, at index: Int?) -> String? {
        rows += 1
        guard let index, let key = row.values[index].text, !key.isEmpty else {
            nullKeys += 1
            return nil
        }
        return key
    }

    /// Counts a row whose key is the text `bytes` (nil: NULL); false (counted) when it has none.
    package mutating func counts(key bytes: UnsafeRawBufferPointer?) -> Bool {
        rows += 1
        guard let bytes, !bytes.isEmpty else {
            nullKeys += 1
            return false
        }
        return true
    }
}
