import Testing
@testable import CrierCore

@Suite("JSONValue")
struct JSONValueTests {
    @Test func writesOrderedPrettyJSON() {
        let value = JSONValue.object([("b", .int(1)), ("a", .array([.string("x"), .null, .bool(true)])), ("e", .array([])), ("o", .object([]))])
        #expect(value.rendered() == "{\n  \"b\": 1,\n  \"a\": [\n    \"x\",\n    null,\n    true\n  ],\n  \"e\": [],\n  \"o\": {}\n}\n")
        #expect(value.compact() == "{\"b\":1,\"a\":[\"x\",null,true],\"e\":[],\"o\":{}}")
    }

    @Test func escapesControlCharactersAndKeepsUTF8() {
        let value = JSONValue.string("Kia ora Māori \"quoted\"\n\t\u{01}\\ 😀")
        #expect(value.compact() == "\"Kia ora Māori \\\"quoted\\\"\\n\\t\\u0001\\\\ 😀\"")
    }

    @Test func escapesLineSeparatorsAndEveryControlCharacterAlike() {
        let value = JSONValue.array([.string("a\rb\u{1f}\u{7f}"), .string("line\u{2028}para\u{2029} \u{2027}\u{202a}é")])
        #expect(value.compact() == #"["a\rb\u001f\#u{7f}","line\u2028para\u2029 \#u{2027}\#u{202a}é"]"#)
        #expect(JSONValue.object([("k\"", value)]).rendered()
            == "{\n  \"k\\\"\": [\n    \"a\\rb\\u001f\u{7f}\",\n    \"line\\u2028para\\u2029 \u{2027}\u{202a}é\"\n  ]\n}\n")
    }
}
