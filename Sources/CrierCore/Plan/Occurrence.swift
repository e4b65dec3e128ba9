/// Which occurrence of a trigger an item is for: an `upcoming` window's local date
/// (`2026-11-24`), an `overdue` anchor and number (`2026-11-02T09:30:00Z#2`), a change event
/// (`enter@2026-11-23T04:05:00Z`), or a `send` content date and hash. Part of the item's id.
package struct Occurrence: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
                           ExpressibleByStringLiteral {
    /// The text, as the plan's JSON, the id and the ledger hold it.
    package let text: String

    /// The occurrence named `text`.
    package init(_ text: String) {
        self.text = text
    }

    package init(stringLiteral text: String) {
        self.text = text
    }

    package var description: String { text }

    package static func < (a: Occurrence, b: Occurrence) -> Bool { a.text < b.text }

    package init(from decoder: any Decoder) throws {
        text = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
