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
}
