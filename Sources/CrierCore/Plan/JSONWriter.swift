/// A JSON value with ordered object keys, written byte for byte the same every time.
package indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    /// Objects compare by their ordered pairs.
    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Pretty text: two-space indents, one key per line, UTF-8 kept, a final newline.
    package func rendered() -> String {
        var out: [UInt8] = []
        write(into: &out, indent: 0)
        out.append(0x0a)
        return String(decoding: out, as: UTF8.self)
    }

    /// One line, no spaces (for ledger payloads).
    package func compact() -> String {
        var out: [UInt8] = []
        writeCompact(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the pretty text of this value to `out` as it stands `indent` spaces deep (the
    /// first line is not indented; nested lines are). `rendered()` is this at depth 0 plus a newline.
    package func write(into out: inout [UInt8], indent: Int) {
        switch self {
        case .array(let values) where !values.isEmpty:
            out.append(contentsOf: "[\n".utf8)
            for (index, value) in values.enumerated() {
                Self.appendIndent(indent + 2, to: &out)
                value.write(into: &out, indent: indent + 2)
                out.append(contentsOf: index < values.count - 1 ? ",\n".utf8 : "\n".utf8)
            }
            Self.appendIndent(indent, to: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let pairs) where !pairs.isEmpty:
            out.append(contentsOf: "{\n".utf8)
            for (index, (key, value)) in pairs.enumerated() {
                Self.appendIndent(indent + 2, to: &out)
                Self.appendString(key, to: &out)
                out.append(contentsOf: ": ".utf8)
                value.write(into: &out, indent: indent + 2)
                out.append(contentsOf: index < pairs.count - 1 ? ",\n".utf8 : "\n".utf8)
            }
            Self.appendIndent(indent, to: &out)
            out.append(UInt8(ascii: "}"))
        default:
            writeCompact(into: &out)
        }
    }

    /// Appends `count` spaces.
    package static func appendIndent(_ count: Int, to out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }

    private func writeCompact(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .string(let value): Self.appendString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.writeCompact(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.writeCompact(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a JSON string: quotes, backslashes, control characters, U+2028 and
    /// U+2029 escaped, any other UTF-8 kept.
    package static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0, index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xe2 else {
                    index += 1
                    continue
                }
                var skip = 1
                let escape: StaticString
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0a: escape = "\\n"
                case 0x0d: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0xe2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xa8:
                    (escape, skip) = ("\\u2028", 3)
                case 0xe2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xa9:
                    (escape, skip) = ("\\u2029", 3)
                case 0xe2:
                    index += 1
                    continue
                default:
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    let hex: StaticString = "0123456789abcdef"
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hex.utf8Start[Int(byte >> 4)])
                    out.append(hex.utf8Start[Int(byte & 0xf)])
                    index += 1
                    start = index
                    continue
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
                index += skip
                start = index
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
