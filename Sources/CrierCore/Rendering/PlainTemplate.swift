import Mustache

/// A template made of text, plain variable tags (`{{name}}`, `{{at.time}}`, `{{{name}}}`, `{{&name}}`)
/// and sections (`{{#name}}...{{/name}}`, `{{^name}}...{{/name}}`) over plain values and over the
/// engine's `{{#changes}}` list, as crier's shipped templates are, rendered straight against a
/// `RenderContext`: swift-mustache spends most of a render in dynamic casts and context-stack
/// lookups per tag. Renders exactly what swift-mustache renders; for a value it does not know (a
/// time view as a section, a map), it declines and the caller renders with swift-mustache.
struct PlainTemplate: Sendable {
    fileprivate indirect enum Part: Sendable {
        case text(String)
        /// A tag: the dotted name's parts, and whether HTML escaping applies.
        case variable([String], escaped: Bool)
        /// A section (or, `inverted`, the `{{^name}}` kind) and what it holds.
        case section([String], [Part], inverted: Bool)
    }

    private let parts: [Part]
    /// Bytes to reserve for a render: the text's, and 32 a tag (a render no longer grows its
    /// string step by step).
    private let capacity: Int

    /// The plain form of `text` (the template as written, without crier's content-type pragma),
    /// nil when it holds comments, partials, transforms or anything else; and nil unless
    /// swift-mustache's `mustache` renders it the same way, with each section both taken and
    /// not (checked on marked names).
    init?(_ text: String, html: Bool, mustache: MustacheTemplate) {
        var parser = TemplateParser(bytes: Array(text.utf8), html: html)
        guard let parts = parser.parse(section: nil, newLine: true) else { return nil }
        self.parts = parts
        capacity = text.utf8.count + 32 * text.utf8.count(where: { $0 == UInt8(ascii: "{") }) / 2
        for sections in Self.probeSettings(parts) {
            let probe = Probe(path: nil, sections: sections)
            var out: [UInt8] = []
            var scopes: [[String: String]] = []
            guard Self.render(parts, root: probe, scopes: &scopes, into: &out), String(decoding: out, as: UTF8.self) == mustache.render(probe) else { return nil }
        }
    }

    /// Renders against `context`; nil when a value is one this does not know.
    func render(_ context: RenderContext) -> String? {
        // Into bytes: appending a string's UTF-8 to an array is a copy; appending it to a string
        // went through String's general append (about 340 instructions each, 45 a message).
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        var scopes: [[String: String]] = []
        return Self.render(parts, root: context, scopes: &scopes, into: &out) ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Appends `parts` rendered to `out`; `scopes` are the `{{#changes}}` entries entered, innermost
    /// last. False at a value this does not know.
    private static func render(_ parts: [Part], root: some MustacheParent, scopes: inout [[String: String]], into out: inout [UInt8]) -> Bool {
        for part in parts {
            switch part {
            case .text(let text):
                out.append(contentsOf: text.utf8)
            case .variable(let path, let escaped):
                guard let text = text(of: value(of: path, root: root, scopes: scopes)) else { return false }
                out.append(contentsOf: (escaped ? htmlEscape(text) : text).utf8)
            case .section(let path, let body, let inverted):
                // As swift-mustache's renderSection and renderInvertedSection, in the same order of casts.
                switch value(of: path, root: root, scopes: scopes) {
                case let list as [[String: String]]:
                    if inverted {
                        // swift-mustache enters the empty list, which answers no name.
                        if list.isEmpty, !render(body, root: root, scopes: &scopes, into: &out) { return false }
                    } else {
                        for entry in list {
                            scopes.append(entry)
                            guard render(body, root: root, scopes: &scopes, into: &out) else { return false }
                            scopes.removeLast()
                        }
                    }
                case let flag as Bool:
                    if flag != inverted, !render(body, root: root, scopes: &scopes, into: &out) { return false }
                case nil, is NullValue:
                    if inverted, !render(body, root: root, scopes: &scopes, into: &out) { return false }
                case is String, is Int64, is Int, is Double:
                    // swift-mustache enters the value, which answers no name (no fields to reflect on).
                    if !inverted, !render(body, root: root, scopes: &scopes, into: &out) { return false }
                default:
                    return false
                }
            }
        }
        return true
    }

    /// A value this does not know how to look into or show.
    private struct Unknown {}

    /// The value of the dotted name `path` as swift-mustache finds it: the first part in the
    /// innermost `{{#changes}}` entry that has it, else in `root`; then field by field.
    private static func value(of path: [String], root: some MustacheParent, scopes: [[String: String]]) -> Any? {
        var value: Any? = nil
        if let entry = scopes.last(where: { $0[path[0]] != nil }) {
            value = entry[path[0]]
        } else {
            value = root.child(named: path[0])
        }
        for name in path.dropFirst() {
            switch value {
            case nil: break
            case let view as TimeView: value = view.child(named: name)
            case let null as NullValue: value = null.child(named: name)
            case let probe as Probe: value = probe.child(named: name)
            // swift-mustache reflects on these and finds no fields.
            case is String, is Int64, is Int, is Double, is Bool: value = nil
            default: return Unknown()
            }
        }
        return value
    }

    /// What swift-mustache renders for a variable tag of `value` (before escaping), nil for a value it renders otherwise.
    private static func text(of value: Any?) -> String? {
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
        case let probe as Probe: return probe.renderText
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

    /// The section settings to check against swift-mustache: every section true, every one
    /// false, and for each section the settings that reach its body (its enclosing sections
    /// taken), the others all true and then all false.
    private static func probeSettings(_ parts: [Part]) -> [[String: Bool]] {
        var names: Set<String> = []
        var paths: [[(name: String, taken: Bool)]] = []
        func collect(_ parts: [Part], enclosing: [(name: String, taken: Bool)]) {
            for case .section(let path, let body, let inverted) in parts {
                let name = path.joined(separator: ".")
                names.insert(name)
                let inside = enclosing + [(name, !inverted)]
                paths.append(inside)
                collect(body, enclosing: inside)
            }
        }
        collect(parts, enclosing: [])
        var settings: [[String: Bool]] = []
        for others in [true, false] {
            let all = Dictionary(uniqueKeysWithValues: names.map { ($0, others) })
            if !settings.contains(all) { settings.append(all) }
            for path in paths {
                var setting = all
                // A body inside `{{#a}}` and `{{^a}}` at once is never rendered.
                guard path.allSatisfy({ step in path.allSatisfy { $0.name != step.name || $0.taken == step.taken } }) else { continue }
                for step in path { setting[step.name] = step.taken }
                if !settings.contains(setting) { settings.append(setting) }
            }
        }
        return settings
    }
}

/// swift-mustache's parser (`MustacheTemplate.parse`) for the tags `PlainTemplate` renders, on
/// UTF-8 bytes: the same text pieces, the same standalone lines removed. Nil at any other tag.
private struct TemplateParser {
    let bytes: [UInt8]
    let html: Bool
    var index = 0

    /// One level: the template (`section` nil) or a section's body up to and including its
    /// `{{/name}}`. `newLine`: at the start of a line (a tag there may stand alone).
    mutating func parse(section: [String]?, newLine startsLine: Bool) -> [PlainTemplate.Part]? {
        var parts: [PlainTemplate.Part] = []
        var newLine = startsLine
        var whiteSpaceBefore: ArraySlice<UInt8> = []
        func add<Bytes: Sequence<UInt8>>(_ text: Bytes) {
            let text = String(decoding: Array(text), as: UTF8.self)
            guard !text.isEmpty else { return }
            if case .text(let before)? = parts.last {
                parts[parts.count - 1] = .text(before + text)
            } else {
                parts.append(.text(text))
            }
        }
        func flushWhiteSpace() {
            add(whiteSpaceBefore)
            whiteSpaceBefore = []
        }
        while index < bytes.count {
            if newLine { whiteSpaceBefore = readSpaces() }
            let (text, tag) = readUntilTagOrNewline()
            if !tag, let end = newlineEnd(at: index, lineFeedOnly: true) {
                add(whiteSpaceBefore + text + bytes[index..<end])
                index = end
                newLine = true
                continue
            }
            if !text.isEmpty {
                add(whiteSpaceBefore + text)
                whiteSpaceBefore = []
                newLine = false
            }
            guard index < bytes.count, tag else { break }
            var setNewLine = false
            switch bytes[index] {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let inverted = bytes[index] == UInt8(ascii: "^")
                index += 1
                guard let name = readName() else { return nil }
                if newLine, lineFinished() {
                    setNewLine = true
                } else {
                    flushWhiteSpace()
                }
                guard let body = parse(section: name, newLine: setNewLine) else { return nil }
                parts.append(.section(name, body, inverted: inverted))
            case UInt8(ascii: "/"):
                index += 1
                guard let name = readName(), name == section else { return nil }
                if !(newLine && lineFinished()) { flushWhiteSpace() }
                return parts
            case UInt8(ascii: "{"), UInt8(ascii: "&"):
                let triple = bytes[index] == UInt8(ascii: "{")
                flushWhiteSpace()
                index += 1
                guard let name = readName() else { return nil }
                if triple {
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "}") else { return nil }
                    index += 1
                }
                parts.append(.variable(name, escaped: false))
            case UInt8(ascii: "!"), UInt8(ascii: ">"), UInt8(ascii: "<"), UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "%"):
                return nil
            default:
                flushWhiteSpace()
                guard let name = readName() else { return nil }
                parts.append(.variable(name, escaped: html))
            }
            newLine = setNewLine
        }
        return section == nil ? parts : nil
    }

    /// Spaces and tabs from here.
    private mutating func readSpaces() -> ArraySlice<UInt8> {
        let start = index
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        return bytes[start..<index]
    }

    /// Text up to a line feed (CR LF or LF; not consumed) or up to and including `{{` (`tag` true).
    private mutating func readUntilTagOrNewline() -> (text: ArraySlice<UInt8>, tag: Bool) {
        let start = index
        while index < bytes.count {
            if newlineEnd(at: index, lineFeedOnly: true) != nil { return (bytes[start..<index], false) }
            if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                index += 2
                return (bytes[start..<index - 2], true)
            }
            index += 1
        }
        return (bytes[start..<index], false)
    }

    /// Where the line break at `at` ends, nil when there is none: LF and CR LF, and with
    /// `lineFeedOnly` false every Character swift-mustache counts as a newline (CR, VT, FF, NEL, LS, PS).
    private func newlineEnd(at: Int, lineFeedOnly: Bool) -> Int? {
        guard at < bytes.count else { return nil }
        let rest = bytes[at...]
        if rest.starts(with: [0x0D, 0x0A]) { return at + 2 }
        if bytes[at] == 0x0A { return at + 1 }
        if lineFeedOnly { return nil }
        if bytes[at] == 0x0D || bytes[at] == 0x0B || bytes[at] == 0x0C { return at + 1 }
        if rest.starts(with: [0xC2, 0x85]) { return at + 2 }
        if rest.starts(with: [0xE2, 0x80, 0xA8]) || rest.starts(with: [0xE2, 0x80, 0xA9]) { return at + 3 }
        return nil
    }

    /// swift-mustache's `hasLineFinished`: only spaces and tabs up to a newline (then consumed
    /// with them) or the end.
    private mutating func lineFinished() -> Bool {
        guard index < bytes.count else { return true }
        var end = index
        while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
        guard let after = newlineEnd(at: end, lineFeedOnly: false) else { return false }
        index = after
        return true
    }

    /// A tag's dotted name and its closing `}}`; nil for anything else (transforms, odd characters).
    private mutating func readName() -> [String]? {
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        let start = index
        while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
        let path = String(decoding: bytes[start..<index], as: UTF8.self).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        guard !path.contains(where: \.isEmpty), bytes[index...].starts(with: [UInt8(ascii: "}"), UInt8(ascii: "}")]) else { return nil }
        index += 2
        return path
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "."): return true
        default: return false
        }
    }
}

/// Answers every name with a value that renders as the marked name, fields too (`at.time`),
/// and a section's name with its setting (true: taken).
private struct Probe: MustacheParent, MustacheCustomRenderable {
    let path: String?
    let sections: [String: Bool]

    func child(named name: String) -> Any? {
        let path = path.map { "\($0).\(name)" } ?? name
        return sections[path] ?? Probe(path: path, sections: sections)
    }

    var renderText: String { "\u{E000}\(path ?? "")\u{E001}" }
    var isNull: Bool { false }
}
