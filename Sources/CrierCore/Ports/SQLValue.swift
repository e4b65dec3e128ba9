/// A value from the snapshot, as SQLite stores it.
package enum SQLValue: Sendable, Hashable, Codable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    /// A text value whose bytes are not UTF-8: read as text with U+FFFD, and an item that
    /// interpolates it is skipped (`invalid-text: COLUMN`).
    case invalidText([UInt8])

    /// The value as text for keys and recipients; nil for NULL.
    package var text: String? {
        switch self {
        case .null: return nil
        case .integer(let value): return String(value)
        case .real(let value):
            return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): return value
        case .blob(let bytes), .invalidText(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Whether the value is NULL.
    package var isNull: Bool { self == .null }
}
