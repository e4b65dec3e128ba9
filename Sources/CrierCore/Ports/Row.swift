/// The column names of a query's result, shared by all its rows.
package final class RowShape: Sendable {
    /// Column names in result order.
    package let names: [String]
    private let indexes: [String: Int]

    /// A shape of `names`; when names repeat, the first wins.
    package init(names: [String]) {
        self.names = names
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
        self.indexes = indexes
    }

    /// The position of `name`, if the result has it. Among a few columns by comparing names (short
    /// ones compare as two machine words), which is quicker than hashing the name.
    package func index(of name: String) -> Int? {
        guard names.count <= 16 else { return indexes[name] }
        return names.firstIndex(of: name)
    }
}

/// One row of a query's result.
package struct Row: Sendable {
    /// The result's columns.
    package let shape: RowShape
    /// Values in column order.
    package let values: [SQLValue]

    /// A row of `values` in `shape`.
    package init(shape: RowShape, values: [SQLValue]) {
        self.shape = shape
        self.values = values
    }

    /// A row from name–value pairs (tests and small callers).
    package init(_ pairs: KeyValuePairs<String, SQLValue>) {
        self.shape = RowShape(names: pairs.map(\.key))
        self.values = pairs.map(\.value)
    }

    /// The position of `name`.
    package func index(of name: String) -> Int? { shape.index(of: name) }

    /// The value of `name`; nil when the result has no such column.
    package subscript(name: String) -> SQLValue? {
        shape.index(of: name).map { values[$0] }
    }
}
