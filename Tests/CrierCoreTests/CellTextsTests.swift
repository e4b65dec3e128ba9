import Testing
@testable import CrierCore

@Suite("Cells read in place")
struct CellTextsTests {
    /// Checks that a row source without its own in-place reading hands over each value's text
    /// as the built rows' `.text` does, copies growing and shrinking from row to row.
    @Test func builtRowsGiveTheTextOfEachValue() throws {
        let rows: [[SQLValue]] = [
            [.text("a"), .integer(-7), .null, .real(1.5)],
            [.text(String(repeating: "Tāmati ", count: 40)), .null, .text(""), .blob(Array("ABC".utf8))],
            [.text("b"), .integer(12_345_678_901), .text("ok"), .null],
        ]
        let source = MemoryRows(columns: ["key", "n", "t", "r"], rows: rows)
        var inPlace: [[String?]] = []
        try source.forEachCells(query: "q", parameters: [:], columns: ["t", "key", "n", "r"]) { cells in
            #expect(cells.shape.names == ["t", "key", "n", "r"])
            inPlace.append((0..<4).map { index in cells.text(index).map { String(decoding: $0, as: UTF8.self) } })
        }
        #expect(inPlace == rows.map { row in [row[2], row[0], row[1], row[3]].map(\.text) })
    }
}
