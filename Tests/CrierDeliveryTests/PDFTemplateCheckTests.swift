import CrierCore
import Testing
@testable import CrierDelivery

@Suite("PDF template check (crier validate)")
struct PDFTemplateCheckTests {
    /// The check's diagnostics of `templates/sheet.pdf.mustache` holding `text`, as printed.
    func check(_ text: String) throws -> [String] {
        var diagnostics = DiagnosticCollector()
        let template = try #require(CompiledTemplate.compile(text, at: FileLocation(file: "templates/sheet.pdf.mustache", line: 1, column: 1),
                                                             html: true, into: &diagnostics))
        return PDFTemplateCheck.problems(["sheet": template]).map(\.description)
    }

    @Test func tagsAreBlankedKeepingLinesAndColumns() {
        #expect(PDFTemplateCheck.blank("<b>{{key}}</b> {{{raw}}}\n{{#a}}\nx{{! a\ncomment }}") == "<b>       </b>          \n      \nx     \n          ")
    }

    @Test func aWellFormedTemplateWithSectionsAndEscapedValuesPasses() throws {
        #expect(try check("<span size=\"x-large\"><b>Job {{key}}</b></span>\n{{#name}}\n<i>{{name}}</i>\n{{/name}}\nTom &amp; Jerry: {{{trusted}}}\n") == [])
    }

    @Test func aMisnestedElementIsReportedAtItsLineAndColumnWithTheFix() throws {
        #expect(try check("<b>Job {{key}}</b>\n{{#name}}\n<i>{{name}}</b>\n{{/name}}\n") == ["""
            templates/sheet.pdf.mustache:3:12: error: not valid Pango markup: Element “b” was closed, but the currently open element is “i”. \
            Close elements in the reverse order of opening: <b><i>text</i></b>
                <i>{{name}}</b>
                           ^
            """])
    }

    @Test func anElementNeverClosedNamesIt() throws {
        let problems = try check("Job {{key}}\n<b>{{name}}\n")
        #expect(problems.first?.hasPrefix("templates/sheet.pdf.mustache:2:1: error: not valid Pango markup: element “b” is never closed. Close it") == true,
                "\(problems)")
    }

    @Test func aStrayAmpersandAnUnknownTagAndABadAttributeValue() throws {
        #expect(try check("Job\nTom & Jerry\n").first?.hasPrefix("templates/sheet.pdf.mustache:2:5: error: not valid Pango markup: Entity did not end") == true)
        #expect(try check("Job\n  <blink>x</blink>\n").first?.hasPrefix("templates/sheet.pdf.mustache:2:3: error: not valid Pango markup: Unknown tag 'blink'. Pango knows <b>") == true)
        let size = try check("Job\n<span size=\"huge\">x</span>\n").first ?? ""
        #expect(size.hasPrefix("templates/sheet.pdf.mustache:2:7: error: not valid Pango markup: Value of 'size' attribute on <span> tag could not be parsed"), "\(size)")
        #expect(size.contains("Use the <span> attributes and values Pango knows"))
    }

    @Test func anAttributeHoldingATagIsLeftToTheRowsValue() throws {
        #expect(try check("<span foreground=\"{{colour}}\">Job {{key}}</span>\n") == [])
    }
}
