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
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(rows.count * 96)
        var encoder = Encoder()
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            encoder.append(row, to: &out)
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Rows back from `encode`'s JSON (columns in name order); [] for nil or broken JSON.
    static func decode(_ json: String?) -> [Row] {
        guard let json, let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return [] }
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
