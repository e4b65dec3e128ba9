import Foundation
import Testing
@testable import CrierCore

@Suite("Change state encoding")
struct ChangeStateEncodingTests {
    @Test func rowsJSONIsWhatJSONValueWrites() {
        let texts = ["plain", "", "quote \" and \\ backslash", "tab\tnew\nline\rreturn", "\u{0}\u{1}\u{1f}\u{7f}",
                     "line\u{2028}para\u{2029}end", "Ngāire 🦜 \u{2027}\u{202a}", "\u{e2}"]
        let shape = RowShape(names: ["key", "n", "none", "real", "blob", "text"])
        let rows = texts.enumerated().map { index, text in
            Row(shape: shape, values: [.text("K\(index)"), .integer(Int64(index) - 3), .null, .real(2.5), .blob(Array("b\n".utf8)), .text(text)])
        } + [Row(["na\"me": .text("x")])]
        let expected = JSONValue.array(rows.map { row in
            .object(zip(row.shape.names, row.values).map { name, value in
                switch value {
                case .null: return (name, .null)
                case .integer(let number): return (name, .int(Int(number)))
                default: return (name, .string(value.text ?? ""))
                }
            })
        }).compact()
        #expect(ChangeRowsJSON.encode(rows) == expected)
        #expect(ChangeRowsJSON.encode([]) == "[]")
        var encoded = EncodedRows()
        for (index, row) in rows.enumerated() { encoded.append(row, key: Int32(index % 2)) }
        #expect(encoded.json(key: 0) == ChangeRowsJSON.encode(rows.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)))
        #expect(encoded.json(key: 1) == ChangeRowsJSON.encode(rows.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)))
        #expect(encoded.json(key: 7) == "[]")
        let decoded = ChangeRowsJSON.decode(ChangeRowsJSON.encode(rows))
        #expect(decoded.map { $0["text"] } == texts.map { .text($0) } + [nil])
    }

    @Test func rowsJSONReadsBackAsFoundationReadsIt() {
        let texts = ["plain", "", "quote \" and \\ backslash", "tab\tnew\nline\rreturn", "\u{0}\u{1}\u{1f}\u{7f}",
                     "line\u{2028}para\u{2029}end", "Ngāire 🦜 \u{2027}\u{202a}", "\u{e2}"]
        let shape = RowShape(names: ["key", "n", "none", "real", "blob", "text"])
        let rows = texts.enumerated().map { index, text in
            Row(shape: shape, values: [.text("K\(index)"), .integer(Int64(index) * 987_654_321_987 - 3), .null, .real(2.5),
                                       .blob(Array("b\n".utf8)), .text(text)])
        } + [Row(["na\"me": .text("x")]), Row(["z": .integer(0), "a": .text("first")])]
        let inputs = [ChangeRowsJSON.encode(rows), ChangeRowsJSON.encode([]), "[{}]",
                      // What encode does not write: read by Foundation, with the same result.
                      #"[ {"a": 1} ]"#, #"[{"a":2.5,"b":true,"c":[1],"d":{"e":1}}]"#, #"[{"a":"x","a":"y"}]"#,
                      #"[{"a":"\ud83e\udd9c \u00e9\/\b\f"}]"#, #"[{"a":12345678901234567890}]"#, #"[{"a":-0,"b":-12}]"#,
                      #"[1,{"a":null}]"#,
                      // Broken: no rows either way.
                      "", "[", #"[{"a":01}]"#, #"[{"a":"\x"}]"#, "[{\"a\":\"\u{1}\"}]", #"[{"a" "b"}]"#, #"[{"a":"b"}] x"#, "{}"]
        for input in inputs {
            let fast = ChangeRowsJSON.decode(input), slow = ChangeRowsJSON.decodeWithFoundation(input)
            #expect(fast.map(\.shape.names) == slow.map(\.shape.names), "\(input)")
            #expect(fast.map(\.values) == slow.map(\.values), "\(input)")
        }
        #expect(ChangeRowsJSON.decode(ChangeRowsJSON.encode(rows)).count == rows.count)
        #expect(ChangeRowsJSON.decode(#"[{"a":"\ud83e\udd9c"}]"#).first?["a"] == .text("🦜"))
        #expect(ChangeRowsJSON.decode(nil).isEmpty)
    }

    @Test func keysEncodedAndDecodedOneAfterAnotherShareAnEncoderAndAShape() {
        let one = RowShape(names: ["key", "status"]), other = RowShape(names: ["key", "title"])
        let first = [Row(shape: one, values: [.text("T1"), .text("Open")])]
        let second = [Row(shape: one, values: [.text("T2"), .null]), Row(shape: one, values: [.text("T2"), .integer(7)])]
        let third = [Row(shape: other, values: [.text("T3"), .text("Ngā \"mihi\"")])]
        var encoder = ChangeRowsJSON.Encoder()
        let texts = [first, second, third].map { ChangeRowsJSON.encode($0, with: &encoder) }
        #expect(texts == [first, second, third].map { ChangeRowsJSON.encode($0) }, "the same text as a fresh encoder's")
        var shape: RowShape?
        let decoded = texts.map { ChangeRowsJSON.decode($0, sharing: &shape) }
        #expect(decoded.map { $0.map(\.values) } == [first, second, third].map { $0.map(\.values) })
        #expect(decoded[0][0].shape === decoded[1][1].shape, "rows with the same names share one shape")
        #expect(decoded[2][0].shape.names == ["key", "title"] && shape === decoded[2][0].shape)
        #expect(ChangeRowsJSON.decode(nil, sharing: &shape).isEmpty)
    }

    @Test func fingerprintsReadBackTheirHex() {
        let fingerprint = ChangeFingerprint(first: 0x0123_4567_89ab_cdef, second: 0xfedc_ba98_7654_3210)
        #expect(fingerprint.hex == "0123456789abcdeffedcba9876543210")
        #expect(ChangeFingerprint(hex: fingerprint.hex) == fingerprint)
        #expect(ChangeFingerprint(hex: "00000000000000000000000000000000") == ChangeFingerprint(first: 0, second: 0))
        for bad in ["", "0123456789abcdeffedcba987654321", "0123456789ABCDEFfedcba9876543210", "0123456789abcdeffedcba987654321g",
                    "0123456789abcdef fedcba987654321", "/123456789abcdeffedcba9876543210", ":123456789abcdeffedcba9876543210"] {
            #expect(ChangeFingerprint(hex: bad) == nil, "\(bad)")
        }
    }

    @Test func byteStringsInternOnceAndSortByBytes() {
        var table = ByteStringTable()
        let words = (0..<5000).map { "w\($0 * 7919 % 5000)" } + ["", "é", "e\u{301}"]
        for word in words {
            var text = word
            #expect(text.withUTF8 { table.intern(UnsafeRawBufferPointer($0)).isNew })
        }
        for (index, word) in words.enumerated() {
            var text = word
            #expect(text.withUTF8 { table.intern(UnsafeRawBufferPointer($0)) } == (Int32(index), false))
            #expect(table.string(Int32(index)) == word)
        }
        #expect(table.count == words.count)
        #expect(table.precedes(5001, 5002) == false, "é (C3 A9) sorts after e + combining accent (65 CC 81)")
        #expect(table.precedes(5000, 0))
    }

    @Test func ascendingStringsAreSearchedThenIndexed() {
        var table = ByteStringTable()
        let sorted = (0..<3000).map { String(format: "K%05d", $0 * 2) }
        for word in sorted {
            var text = word
            #expect(text.withUTF8 { table.appendAscending(UnsafeRawBufferPointer($0)) })
        }
        var smaller = "K00000"
        #expect(smaller.withUTF8 { table.appendAscending(UnsafeRawBufferPointer($0)) } == false)
        // Every lookup, found or not, before and after the table indexes the ascending strings.
        for round in 0..<2 {
            for index in 0..<3000 {
                var present = String(format: "K%05d", index * 2), absent = String(format: "K%05d", index * 2 + 1)
                #expect(present.withUTF8 { table.find(UnsafeRawBufferPointer($0)) } == Int32(index), "round \(round)")
                #expect(absent.withUTF8 { table.find(UnsafeRawBufferPointer($0)) } == nil)
            }
        }
        var new = "K00001"
        #expect(new.withUTF8 { table.intern(UnsafeRawBufferPointer($0)) } == (3000, true))
        #expect(new.withUTF8 { table.find(UnsafeRawBufferPointer($0)) } == 3000)
    }
}
