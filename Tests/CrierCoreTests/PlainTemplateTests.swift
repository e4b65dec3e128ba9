import CrierTestSupport
import Foundation
import Testing

@testable import CrierCore

/// Templates of text and plain tags, rendered without swift-mustache: the same text as swift-mustache.
@Suite("PlainTemplate")
struct PlainTemplateTests {
    private func compile(_ text: String, html: Bool) throws -> CompiledTemplate {
        var diagnostics = DiagnosticCollector()
        return try #require(CompiledTemplate.compile(text, at: FileLocation(file: "t.mustache", line: 1), html: html, into: &diagnostics))
    }

    private let row = Row([
        "key": .text("J-1"), "name": .text("Ann <O'Brien> & \"Co\""), "count": .integer(-42), "ratio": .real(2.5),
        "big": .real(1e20), "nothing": .null, "bad": .invalidText([0xFF, 0x41]), "unicode": .text("Tāmati 😀\r\n<é>"),
        "starts_at": .text("2026-11-24T20:30:00Z"), "blob": .blob([1, 2, 3]),
    ])

    private func context() -> RenderContext {
        let at = TimeView(Date(timeIntervalSince1970: 1_795_525_200), in: TimeZone(identifier: "Pacific/Auckland")!)
        return RenderContext(row: row, engine: ["at": at, "occurrence": "2026-11-25", "is_enter": true, "number": 3])
    }

    private static let templates = [
        "Hi {{name}}, at {{at.time12}} {{at.weekday}} (job {{key}}). Reply STOP",
        "{{ name }} {{{name}}} {{&name}} {{& name }} {{unicode}}",
        "{{count}} {{ratio}} {{big}} {{is_enter}} {{number}} {{at}} {{at.iso}} {{blob}}",
        "missing: [{{nothing}}] [{{nothing.time}}] [{{absent}}] [{{absent.x}}] [{{at.nope}}] [{{bad}}]",
        "line one {{key}}\r\n  indented {{key}}\n\t\n{{key}}\n   ",
        "   ", "no tags at all\n", "", "{ {key}} }} {{key}} {x", "trailing {{key}}\n \t",
        "{{#key}}x{{/key}}", "{{^key}}x{{/key}}", "a\n  {{#is_enter}}  \n in {{name}}\n  {{/is_enter}}\nb",
        "{{#nothing}}no{{/nothing}}{{^nothing}}[{{nothing}}]{{/nothing}}{{#absent}}x{{/absent}}{{^absent}}y{{/absent}}",
        "{{#count}}{{count}}{{#ratio}} {{ratio}}{{/ratio}}{{/count}}{{^is_enter}}never{{/is_enter}}",
        "x{{#key}}\r\n{{name}}\r\n{{/key}}\r\ny", "{{#key}}\n{{/key}}", "{{#key}}{{/key}}\n",
    ]

    /// Checks that every plain template renders as swift-mustache does, text and HTML, with the same misses.
    @Test("plain templates render as swift-mustache does", arguments: templates)
    func sameAsMustache(text: String) throws {
        for html in [false, true] {
            let template = try compile(text, html: html)
            let plain = try #require(template.plain, "\(text.debugDescription) should be plain")
            let (fast, slow) = (context(), context())
            #expect(plain.render(fast) == template.mustache.render(slow), "\(text.debugDescription) html: \(html)")
            #expect(fast.missing == slow.missing)
            #expect(fast.invalidText == slow.invalidText)
        }
    }

    /// Checks that templates with comments, partials, transforms or odd names stay with swift-mustache.
    @Test("comments, partials, transforms and odd names are not plain",
          arguments: ["{{#key}}{{! note }}{{/key}}", "{{#key}}{{>part}}{{/key}}", "{{#upper(key)}}x{{/upper(key)}}", "{{#key}}x", "{{! note }}", "{{>part}}", "{{.}}", "{{uppercased(name)}}",
                      "{{a-b}}", "{{=<% %>=}}", "{{key.}}"])
    func notPlain(text: String) throws {
        var diagnostics = DiagnosticCollector()
        let template = CompiledTemplate.compile(text, at: FileLocation(file: "t.mustache", line: 1), html: false, into: &diagnostics)
        #expect(template?.plain == nil)
    }

    /// Checks that a value the plain renderer does not know (a list) is left to swift-mustache.
    @Test("a list value falls back to swift-mustache")
    func listFallsBack() throws {
        let template = try compile("{{changes}} {{key}}", html: false)
        let context = RenderContext(row: row, engine: ["changes": [["column": "status"]]])
        #expect(template.plain?.render(context) == nil)
        #expect(template.render(context) == template.mustache.render(RenderContext(row: row, engine: ["changes": [["column": "status"]]])))
    }

    // MARK: sections, generated

    /// A row whose `old` column is shadowed by `{{#changes}}` entries, with empty, NULL, number and bad values.
    private static func sectionContext(changes: Int, enter: Bool) -> RenderContext {
        let row = Row([
            "key": .text("J-1"), "name": .text("Ann <O'Brien> & \"Co\""), "empty": .text(""), "nothing": .null, "count": .integer(0),
            "ratio": .real(2.5), "bad": .invalidText([0xFF]), "title": .text("Fix & <go>"), "old": .text("row-old"),
        ])
        let entries = [["column": "status", "old": "open", "new": "closed"], ["column": "title", "old": "", "new": "<b>"],
                       ["column": "key", "old": "J-0", "new": "J-1"]]
        let at = TimeView(Date(timeIntervalSince1970: 1_795_525_200), in: TimeZone(identifier: "Pacific/Auckland")!)
        return RenderContext(row: row, engine: ["at": at, "is_enter": enter, "is_leave": !enter, "changes": Array(entries.prefix(changes))])
    }

    /// A random template of text, variable tags and sections (nested, inverted, inline and on lines of their own).
    private static func generatedTemplate(_ random: inout SplitMix64) -> String {
        let texts = ["a", " ", "  ", "\t", "x y", "<&>\"'", "Tāmati", "\n", "\r\n", "\n  ", "{ ", "}"]
        let names = ["key", "name", "empty", "nothing", "absent", "count", "ratio", "bad", "title", "old", "new", "column",
                     "is_enter", "at.time", "at", "nothing.time", "key.x", "count.x", "ratio.x", "is_enter.x", "old.x"]
        let sections = ["key", "empty", "nothing", "absent", "count", "ratio", "is_enter", "is_leave", "changes", "changes",
                        "old", "new", "column", "title", "bad"]
        func pick(_ options: [String]) -> String { options[random.next(options.count)] }
        func pieces(depth: Int) -> String {
            var text = ""
            for _ in 0..<random.next(depth == 0 ? 8 : 5) + (depth == 0 ? 1 : 0) {
                switch random.next(10) {
                case 0...2: text += pick(texts)
                case 3...5:
                    let name = pick(names)
                    text += pick(["{{\(name)}}", "{{ \(name) }}", "{{{\(name)}}}", "{{&\(name)}}"])
                case 6: text += pick(["\n", "\r\n"])
                default:
                    guard depth < 3 else { continue }
                    let name = pick(sections)
                    let sigil = random.next(3) == 0 ? "^" : "#"
                    let body = pieces(depth: depth + 1)
                    if random.next(2) == 0 {
                        text += "{{\(sigil)\(name)}}\(body){{/\(name)}}"
                    } else {
                        // On lines of their own, with spaces or tabs around the tags.
                        let (space, newline) = (pick(["", " ", "  ", "\t"]), pick(["\n", "\r\n"]))
                        text += "\(newline)\(space){{\(sigil)\(name)}}\(pick(["", " "]))\(newline)\(body)\(newline)\(space){{/\(name)}}\(pick(["", "\t"]))\(pick([newline, ""]))"
                    }
                }
            }
            return text
        }
        return pieces(depth: 0)
    }

    /// Checks that generated templates with sections all render through PlainTemplate as swift-mustache
    /// renders them, with 0, 1 and 3 changes, text and HTML, with the same misses.
    @Test("generated templates with sections render as swift-mustache does")
    func generatedSections() throws {
        var random = SplitMix64(state: 14)
        var rendered = 0, declined = 0
        for _ in 0..<400 {
            let text = Self.generatedTemplate(&random)
            for html in [false, true] {
                let template = try compile(text, html: html)
                let plain = try #require(template.plain, "\(text.debugDescription) should be plain (html: \(html))")
                for (changes, enter) in [(0, true), (1, false), (3, true)] {
                    let (fast, slow) = (Self.sectionContext(changes: changes, enter: enter), Self.sectionContext(changes: changes, enter: enter))
                    guard let output = plain.render(fast) else {
                        declined += 1
                        continue
                    }
                    rendered += 1
                    #expect(output == template.mustache.render(slow), "\(text.debugDescription) html: \(html), changes: \(changes)")
                    #expect(fast.missing == slow.missing, "\(text.debugDescription)")
                    #expect(fast.invalidText == slow.invalidText, "\(text.debugDescription)")
                }
            }
        }
        // Only sections over `bad` (snapshot text that is not UTF-8) decline.
        #expect(rendered > 4 * declined)
    }

    /// Checks that a section over a time view or over bad text declines, and the compiled template still renders as swift-mustache.
    /// The misses recorded before the decline are recorded again by swift-mustache, in the same order.
    @Test("sections over a time view or bad text fall back to swift-mustache",
          arguments: ["{{absent}}{{#at}}{{time}}{{/at}}{{nothing}}", "{{nothing}}{{#bad}}{{name}}{{/bad}}{{absent}}"])
    func sectionFallsBack(text: String) throws {
        let template = try compile(text, html: false)
        #expect(template.plain != nil)
        #expect(template.plain?.render(Self.sectionContext(changes: 1, enter: true)) == nil)
        let (fast, slow) = (Self.sectionContext(changes: 1, enter: true), Self.sectionContext(changes: 1, enter: true))
        #expect(template.render(fast) == template.mustache.render(slow))
        #expect(fast.missing == slow.missing)
        #expect(fast.missing.count == 2)
    }

    /// Checks that lookups inside `{{#changes}}` find the entry's fields first, then the row.
    @Test("inside {{#changes}} names resolve against the entry, then the row")
    func changesScope() throws {
        let template = try compile("{{old}}|{{#changes}}{{column}}:{{old}}->{{new}} {{key}};{{/changes}}{{^changes}}none {{old}}{{/changes}}|{{old}}", html: false)
        #expect(template.plain?.render(Self.sectionContext(changes: 3, enter: true))
            == "row-old|status:open->closed J-1;title:-><b> J-1;key:J-0->J-1 J-1;|row-old")
        #expect(template.plain?.render(Self.sectionContext(changes: 0, enter: true)) == "row-old|none row-old|row-old")
    }

    // MARK: shipped templates

    /// Every template under templates/, loaded as crier loads them.
    private static func shippedTemplates() throws -> [(name: String, template: CompiledTemplate)] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (path: "templates/\(name)", text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        var diagnostics = DiagnosticCollector()
        let set = TemplateSet.load(files: files, into: &diagnostics)
        var templates = set.sms.sorted { $0.key < $1.key }.map { ("sms:\($0.key)", $0.value.body) }
        for (name, email) in set.email.sorted(by: { $0.key < $1.key }) {
            templates += email.parts.enumerated().map { ("email:\(name)#\($0.offset)", $0.element) }
        }
        templates += set.pdf.sorted { $0.key < $1.key }.map { ("pdf:\($0.key)", $0.value) }
        return templates
    }

    /// Sample contexts for `template`: every column it uses set (time columns as time views), all
    /// empty, all NULL; the trigger flags and 0, 1 or 3 changes.
    private static func sampleContexts(for template: CompiledTemplate) -> [RenderContext] {
        let heads = Array(Set(template.variables.map { String($0.split(separator: ".")[0]) })).sorted()
        let at = TimeView(Date(timeIntervalSince1970: 1_795_525_200), in: TimeZone(identifier: "Pacific/Auckland")!)
        let times = Set(template.variables.filter { $0.contains(".") }.map { String($0.split(separator: ".")[0]) })
        let entries = [["column": "status", "old": "open", "new": "closed & <done>"], ["column": "technician", "old": "", "new": "Kim"],
                       ["column": "address", "old": "1 Main St", "new": ""]]
        return [("set", 3, "enter"), ("empty", 0, "change"), ("null", 1, "change"), ("set", 1, "leave")].map { values, changes, event in
            var engine: [String: Any] = ["changes": Array(entries.prefix(changes)), "is_enter": event == "enter",
                                         "is_leave": event == "leave", "is_change": event == "change", "event": event, "occurrence": "2026-11-25"]
            for name in heads where CompiledTemplate.engineNamespaces.contains(name) && name != "changes" { engine[name] = at }
            let columns = heads.filter { !CompiledTemplate.engineValues.contains($0) && !CompiledTemplate.engineNamespaces.contains($0) }
            for name in columns where times.contains(name) && values == "set" { engine[name] = at }
            let row = Row(shape: RowShape(names: columns), values: columns.map { name in
                switch values {
                case "set": return .text("\(name) <O'Brien> & \"Co\"")
                case "empty": return .text("")
                default: return .null
                }
            })
            return RenderContext(row: row, engine: engine)
        }
    }

    /// Checks that every shipped template is plain and renders with sample rows exactly as swift-mustache does.
    @Test("every shipped template renders as swift-mustache does")
    func shippedTemplatesRenderTheSame() throws {
        let templates = try Self.shippedTemplates()
        #expect(templates.count >= 20)
        for (name, template) in templates {
            let plain = try #require(template.plain, "\(name) should be plain")
            for (fast, slow) in zip(Self.sampleContexts(for: template), Self.sampleContexts(for: template)) {
                let output = plain.render(fast)
                // Only the PDF job sheet enters time views (`{{#dispatched_at}}{{dmy}}`), left to swift-mustache.
                if !name.hasPrefix("pdf:") { #expect(output != nil, "\(name) \(template.text.prefix(80).debugDescription)") }
                #expect((output ?? template.mustache.render(fast)) == template.mustache.render(slow), "\(name)")
                #expect(fast.missing == slow.missing, "\(name)")
            }
        }
    }
}
