import CrierCore
import Foundation
import Testing
@testable import CrierDelivery

@Suite("PDF renderer")
struct PDFRendererTests {
    let directory = NSTemporaryDirectory() + "crier-pdf-\(UUID().uuidString)"
    let created = Date(timeIntervalSince1970: 1_795_474_800)

    /// `pdftotext` (or `pdfinfo`) of `bytes`.
    func poppler(_ tool: String, _ bytes: [UInt8]) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/\(UUID().uuidString).pdf"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = tool == "pdftotext" ? ["-layout", path, "-"] : [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func utf8TextComesBackOutOfThePDF() throws {
        let markup = "<b>Pūrongo mahi</b>\nā ē ī ō ū Ā Ē Ī Ō Ū · Ærøskøbing · Ελληνικά · Привет · 3 &lt; 4 &amp; 5"
        let bytes = try PDFRenderer.render(markup: markup, title: "Job J1.pdf", created: created)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let text = try poppler("pdftotext", bytes)
        #expect(text.contains("Pūrongo mahi"))
        #expect(text.contains("ā ē ī ō ū Ā Ē Ī Ō Ū · Ærøskøbing · Ελληνικά · Привет · 3 < 4 & 5"))
    }

    @Test func longContentBreaksOntoA4Pages() throws {
        let markup = (1...200).map { "Line \($0)" }.joined(separator: "\n")
        let bytes = try PDFRenderer.render(markup: markup, title: "long", created: created)
        let info = try poppler("pdfinfo", bytes)
        #expect(info.contains("Pages:           5"))
        #expect(info.contains("Page size:       595.276 x 841.89 pts (A4)"))
        let text = try poppler("pdftotext", bytes)
        #expect((1...200).allSatisfy { text.contains("Line \($0)\n") })
        #expect(text.components(separatedBy: "\u{0C}").count == 6, "five pages, each ended by a form feed")
    }

    @Test func sameMarkupAndDateGiveTheSameBytes() throws {
        let first = try PDFRenderer.render(markup: "Kia ora", title: "t", created: created)
        let second = try PDFRenderer.render(markup: "Kia ora", title: "t", created: created)
        #expect(first == second)
    }

    @Test func invalidMarkupIsNamed() {
        #expect(throws: PDFError.self) { try PDFRenderer.render(markup: "<b>open", title: "t", created: created) }
        do {
            _ = try PDFRenderer.render(markup: "<blink>x</blink>", title: "t", created: created)
        } catch {
            #expect(error.description.hasPrefix("not valid Pango markup: "))
            #expect(error.description.contains("blink"))
        }
    }
}
