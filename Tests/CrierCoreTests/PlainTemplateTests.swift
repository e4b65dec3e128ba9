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

    /// Checks that templates with sections, comments, partials or odd names stay with swift-mustache.
    @Test("sections, comments, partials and odd names are not plain",
          arguments: ["{{#key}}x{{/key}}", "{{^key}}x{{/key}}", "{{! note }}", "{{>part}}", "{{.}}", "{{uppercased(name)}}",
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
}
