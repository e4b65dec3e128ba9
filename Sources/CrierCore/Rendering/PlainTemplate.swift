import Mustache

/// A template made only of text and plain variable tags (`{{name}}`, `{{at.time}}`, `{{{name}}}`,
/// `{{&name}}`), as most SMS texts and subjects are, rendered straight against a `RenderContext`:
/// swift-mustache spends most of a render in dynamic casts per tag. Renders exactly what
/// swift-mustache renders; for a value it does not know (a list, a map), it declines and the
/// caller renders with swift-mustache.
struct PlainTemplate: Sendable {
    private enum Part: Sendable {
        case text(String)
        /// A tag: the dotted name's parts, and whether HTML escaping applies.
        case variable([String], escaped: Bool)
    }

    private let parts: [Part]

    /// The plain form of `text` (the template as written, without crier's content-type pragma),
    /// nil when it holds sections, comments, partials, transforms or anything else; and nil
    /// unless swift-mustache's `mustache` renders it the same way (checked on marked names).
    init?(_ text: String, html: Bool, mustache: MustacheTemplate) {
        guard let parts = Self.parse(text, html: html) else { return nil }
        self.parts = parts
        var expected = ""
        for part in parts {
            switch part {
            case .text(let text): expected += text
            case .variable(let path, _): expected += Probe.mark(path.joined(separator: "."))
            }
        }
        guard mustache.render(Probe(path: nil)) == expected else { return nil }
    }

    /// Renders against `context`; nil when a tag's value is one this does not know.
    func render(_ context: RenderContext) -> String? {
        var out = ""
        for part in parts {
            switch part {
            case .text(let text):
                out += text
            case .variable(let path, let escaped):
                guard let text = Self.text(of: path, in: context) else { return nil }
                out += escaped ? Self.htmlEscape(text) : text
            }
        }
        return out
    }

    /// What swift-mustache renders for the tag `path` (before escaping), nil for a value it renders otherwise.
    private static func text(of path: [String], in context: RenderContext) -> String? {
        var value = context.child(named: path[0])
        for name in path.dropFirst() {
            switch value {
            case nil: break
            case let view as TimeView: value = view.child(named: name)
            case let null as NullValue: value = null.child(named: name)
            default: return nil
            }
        }
        switch value {
        case nil: return ""
        case let text as String: return text
        case let number as Int64: return String(number)
        case let number as Int: return String(number)
        case let number as Double: return number.description
        case let flag as Bool: return flag ? "true" : "false"
        case let view as TimeView: return view.renderText
        case let null as NullValue: return null.renderText
        case let invalid as InvalidText: return invalid.renderText
        default: return nil
        }
    }

    /// swift-mustache's HTML escaping (by Character: `<`, `>`, `&`, `"`, `'`), quick when there is none.
    private static func htmlEscape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Splits `text` into text and tags; nil at any tag other than a plain variable. Like
    /// swift-mustache, drops a last line of only spaces and tabs.
    private static func parse(_ text: String, html: Bool) -> [Part]? {
        let bytes = Array(text.utf8)
        var parts: [Part] = []
        var literal: [UInt8] = []
        var index = 0
        func isNameByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "."): return true
            default: return false
            }
        }
        func skipSpaces() { while index < bytes.count, bytes[index] == 0x20 { index += 1 } }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") else {
                literal.append(bytes[index])
                index += 1
                continue
            }
            index += 2
            let triple = expect(UInt8(ascii: "{"))
            let unescaped = triple || expect(UInt8(ascii: "&"))
            skipSpaces()
            let start = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            skipSpaces()
            guard !path.contains(where: \.isEmpty), expect(UInt8(ascii: "}")), expect(UInt8(ascii: "}")),
                  !triple || expect(UInt8(ascii: "}")) else { return nil }
            if !literal.isEmpty { parts.append(.text(String(decoding: literal, as: UTF8.self))) }
            literal = []
            parts.append(.variable(path, escaped: html && !unescaped))
        }
        // The last line, when only spaces and tabs, is not rendered.
        let lastLine = literal.lastIndex(of: UInt8(ascii: "\n")).map { literal.index(after: $0) } ?? (parts.isEmpty ? 0 : literal.count)
        if literal[lastLine...].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { literal.removeSubrange(lastLine...) }
        if !literal.isEmpty { parts.append(.text(String(decoding: literal, as: UTF8.self))) }
        return parts
    }
}

/// Answers every name with a value that renders as the marked name, fields too (`at.time`).
private struct Probe: MustacheParent, MustacheCustomRenderable {
    let path: String?

    static func mark(_ path: String) -> String { "\u{E000}\(path)\u{E001}" }

    func child(named name: String) -> Any? { Probe(path: path.map { "\($0).\(name)" } ?? name) }

    var renderText: String { Self.mark(path ?? "") }
    var isNull: Bool { false }
}
