import Testing
@testable import CrierCore

@Suite("Placing query problems in the YAML file")
struct QueryTextTests {
    @Test func anOptOutQueryFailureIsPlacedAtTheNameSQLiteComplainsOf() {
        // opt_out_query: |        (line 9)
        //   SELECT phone AS address  (line 10, text from column 3)
        //   FROM contcts
        let query = OptOutQuery(query: "SELECT phone AS address\nFROM contcts\n", location: FileLocation(file: "crier.yaml", line: 10, column: 3))
        let diagnostic = query.diagnostic(for: QueryError(message: "no such table: contcts", token: "contcts"))
        #expect(diagnostic.location == FileLocation(file: "crier.yaml", line: 11, column: 8))
        #expect(diagnostic.message == "\"opt_out_query\": no such table: contcts")
        #expect(diagnostic.description.contains("\n      FROM contcts\n"), "\(diagnostic.description)")
    }

    @Test func withoutATokenTheQueryStartIsTheLocation() {
        let text = QueryText("SELECT 1", at: FileLocation(file: "s.yaml", line: 4, column: 9))
        #expect(text.locate("nowhere") == FileLocation(file: "s.yaml", line: 4, column: 9))
        let placed = text.place(QueryError(message: "syntax error"))
        #expect(placed.location == FileLocation(file: "s.yaml", line: 4, column: 9))
        #expect(placed.message == "syntax error")
        #expect(placed.sourceLine == "        SELECT 1")
    }
}
