import Foundation

/// A key's last seen rows as the change state keeps them: compact JSON,
/// `[{"column": value, ...}]` with text, integers and nulls, byte for byte what
/// `JSONValue.compact()` writes for the same rows.
enum ChangeRowsJSON {
    /// Writes rows as JSON objects, with each column's `"name":` escaped once per result shape.
    struct Encoder {
        private var shape: RowShape?
        private var names: [[UInt8]] = []

        /// Appends `row` as a JSON object.
        mutating func append(_ row: Row, to out: inout [UInt8]) {
            if shape !== row.shape {
                shape = row.shape
                names = row.shape.names.enumerated().map { index, name in
                    var bytes: [UInt8] = index > 0 ? [UInt8(ascii: ",")] : []
                    JSONValue.appendString(name, to: &bytes)
                    bytes.append(UInt8(ascii: ":"))
                    return bytes
                }
            }
            out.append(UInt8(ascii: "{"))
            for (index, value) in row.values.enumerated() {
                out.append(contentsOf: names[index])
                switch value {
                case .null: out.append(contentsOf: "null".utf8)
                case .integer(let number): out.append(contentsOf: String(Int(number)).utf8)
                default: JSONValue.appendString(value.text ?? "", to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `rows` as JSON.
    static func encode(_ rows: [Row]) -> String {
        var encoder = Encoder()
        return encode(rows, with: &encoder)
    }

    /// `rows` as JSON, with an encoder kept from key to key (its column names written once per shape).
    static func encode(_ rows: [Row], with encoder: inout Encoder) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.count * 96)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            encoder.append(row, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Rows back from `encode`'s JSON (columns in name order); [] for nil or broken JSON.
    /// `encode`'s own output is read byte by byte; anything else it would not write (white
    /// space, fractions, `true`, nesting, a name twice, a surrogate escape) by Foundation's parser.
    static func decode(_ json: String?) -> [Row] {
        var shape: RowShape?
        return decode(json, sharing: &shape)
    }

    /// `decode`, its rows sharing `shape` when they have its names (and `shape` the last rows' after).
    static func decode(_ json: String?, sharing shape: inout RowShape?) -> [Row] {
        guard var json else { return [] }
        if let rows = json.withUTF8({ bytes -> [Row]? in
            var reader = Reader(bytes: UnsafeRawBufferPointer(bytes))
            reader.shape = shape
            defer { shape = reader.shape }
            return reader.rows()
        }) {
            return rows
        }
        return decodeWithFoundation(json)
    }

    /// `decode` by Foundation's parser.
    static func decodeWithFoundation(_ json: String) -> [Row] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return [] }
        return array.compactMap { element in
            guard let object = element as? [String: Any] else { return nil }
            let names = object.keys.sorted()
            let values: [SQLValue] = names.map { name in
                switch object[name] {
                case let text as String: return .text(text)
                case let number as NSNumber: return .integer(number.int64Value)
                default: return .null
                }
            }
            return Row(shape: RowShape(names: names), values: values)
        }
    }

    /// Reads what `encode` writes: an array of flat objects of strings, integers and nulls,
    /// without white space. nil for anything else (`decode` then asks Foundation).
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// The last row's names and shape, shared by the rows that have the same names.
        var shape: RowShape?

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func rows() -> [Row]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var rows: [Row] = []
            if take(UInt8(ascii: "]")) { return index == bytes.count ? rows : nil }
            repeat {
                guard let row = row() else { return nil }
                rows.append(row)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")), index == bytes.count else { return nil }
            return rows
        }

        /// One object, its columns in name order (as Foundation's dictionary, sorted, gives them).
        private mutating func row() -> Row? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var columns: [(name: String, value: SQLValue)] = []
            if !take(UInt8(ascii: "}")) {
                repeat {
                    guard let name = string(), take(UInt8(ascii: ":")), let value = value() else { return nil }
                    columns.append((name, value))
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            columns.sort { $0.name < $1.name }
            for index in columns.indices.dropFirst() where columns[index].name == columns[index - 1].name { return nil }
            let names = columns.map(\.name)
            if shape?.names != names { shape = RowShape(names: names) }
            return Row(shape: shape!, values: columns.map(\.value))
        }

        private mutating func value() -> SQLValue? {
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "\""): return string().map { .text($0) }
            case UInt8(ascii: "n"):
                guard bytes.count - index >= 4, bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"),
                      bytes[index + 3] == UInt8(ascii: "l") else { return nil }
                index += 4
                return .null
            default: return integer().map { .integer($0) }
            }
        }

        /// `-?[0-9]{1,18}` (longer ones, which may not fit, are left to Foundation).
        private mutating func integer() -> Int64? {
            let negative = take(UInt8(ascii: "-"))
            let start = index
            var number: Int64 = 0
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 {
                number = number &* 10 &+ Int64(bytes[index] &- UInt8(ascii: "0"))  // wraps past 18 digits: refused below
                index += 1
            }
            let digits = index - start
            guard digits > 0, digits <= 18, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            return negative ? -number : number
        }

        /// A string, its escapes read; nil at a surrogate escape or a control character.
        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var start = index
            var escaped: [UInt8]?
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let tail = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    guard var text = escaped else { return String(decoding: tail, as: UTF8.self) }
                    text.append(contentsOf: tail)
                    return String(decoding: text, as: UTF8.self)
                }
                if byte < 0x20 { return nil }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                var text = escaped ?? []
                text.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
                guard index + 1 < bytes.count else { return nil }
                let kind = bytes[index + 1]
                index += 2
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(kind)
                case UInt8(ascii: "n"): text.append(0x0a)
                case UInt8(ascii: "r"): text.append(0x0d)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0c)
                case UInt8(ascii: "u"):
                    guard bytes.count - index >= 4 else { return nil }
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        guard let digit = Self.hexDigit(bytes[index]) else { return nil }
                        code = code << 4 | digit
                        index += 1
                    }
                    guard let scalar = Unicode.Scalar(code) else { return nil }
                    text.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
                escaped = text
                start = index
            }
            return nil
        }

        private static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
    }
}

/// Rows encoded as JSON as they stream in, chained per key: a baseline keeps every row of a
/// million keys as about their JSON's bytes, not as Row values.
struct EncodedRows {
    private var bytes: [UInt8] = []
    /// Per row: where its JSON ends, and the next row of its key (-1: none).
    private var ends: [Int] = []
    private var next: [Int32] = []
    /// Per key id: its first and last row (-1: none).
    private var first: [Int32] = []
    private var last: [Int32] = []
    private var encoder = ChangeRowsJSON.Encoder()

    /// Appends `row` to key `key`'s rows.
    mutating func append(_ row: Row, key: Int32) {
        let index = Int(key)
        if index >= first.count {
            first.append(contentsOf: repeatElement(-1, count: index + 1 - first.count))
            last.append(contentsOf: repeatElement(-1, count: index + 1 - last.count))
        }
        precondition(ends.count < Int(Int32.max), "too many change-trigger rows")
        let id = Int32(ends.count)
        encoder.append(row, to: &bytes)
        ends.append(bytes.count)
        next.append(-1)
        if last[index] < 0 { first[index] = id } else { next[Int(last[index])] = id }
        last[index] = id
    }

    /// Key `key`'s rows as `ChangeRowsJSON.encode` writes them.
    func json(key: Int32) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        var row = Int(key) < first.count ? first[Int(key)] : -1
        while row >= 0 {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            let start = row == 0 ? 0 : ends[Int(row) - 1]
            out.append(contentsOf: bytes[start..<ends[Int(row)]])
            row = next[Int(row)]
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }
}
