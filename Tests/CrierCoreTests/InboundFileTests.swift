import Foundation
import Testing
@testable import CrierCore

@Suite struct CSVReaderTests {
    @Test func quotedFieldsHoldCommasQuotesAndNewlines() {
        let records = CSVReader.records("from,body,received_at\r\n+64211000000,\"Hi, can we \"\"move\"\"\nit?\",2026-11-23T10:00:00Z\r\n\n021 100 0001,STOP,2026-11-23T11:00:00Z")
        #expect(records.map(\.line) == [1, 2, 5])
        #expect(records[1].fields == ["+64211000000", "Hi, can we \"move\"\nit?", "2026-11-23T10:00:00Z"])
        #expect(records[2].fields == ["021 100 0001", "STOP", "2026-11-23T11:00:00Z"])
        #expect(records.allSatisfy { $0.problem == nil })
    }

    @Test func unclosedQuoteAndTextAfterQuoteAreProblems() {
        #expect(CSVReader.records("a,\"b\"c,d").first?.problem == "text after a closing quote")
        #expect(CSVReader.records("a,\"b,d\n").first?.problem == "a quoted field is not closed")
    }
}

@Suite struct InboundKeywordTests {
    @Test func wholeMessageKeywordsIgnoringCaseSpaceAndTrailingPunctuation() {
        for body in ["STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel", "END", "quit", "REVOKE", "optout", "Stop!"] {
            #expect(InboundKeyword.classify(body) == .stop, "\(body)")
        }
        for body in ["START", "unstop", "Start."] { #expect(InboundKeyword.classify(body) == .start, "\(body)") }
        for body in ["stop the 3pm visit", "Please stop", "S T O P", "", "?", "STOP?", "opt out"] {
            #expect(InboundKeyword.classify(body) == nil, "\(body)")
        }
    }
}

@Suite struct InboundFileTests {
    @Test func badRowsAreLocatedAndSkipped() throws {
        let text = """
            from,body,received_at
            021 100 0000,STOP,2026-11-23T10:00:00+13:00
            09 555 1234,STOP,2026-11-23T10:00:00Z
            +64211000001,STOP,2026-11-23 10:00
            +64211000002,STOP
            +64211000003,"Running late, sorry",2026-11-23T10:05:00Z
            """
        let file = try InboundFile.read(path: "in.csv", text: text, region: .NZ)
        #expect(file.replies.map(\.line) == [2, 6])
        #expect(file.replies[0] == InboundReply(line: 2, from: "+64211000000", body: "STOP", receivedAt: "2026-11-22T21:00:00Z", keyword: .stop))
        #expect(file.replies[1].keyword == nil)
        #expect(file.problems.map(\.description) == [
            "in.csv:3: error: row skipped: \"from\" is not a mobile number crier can read: \"09 555 1234\". Use E.164 (+64211234567) or a national number of the default region",
            "in.csv:4: error: row skipped: \"received_at\" is not an ISO 8601 time with an offset: \"2026-11-23 10:00\". Write 2026-11-23T17:00:00+13:00 or 2026-11-23T04:00:00Z",
            "in.csv:5: error: row skipped: it has 2 field(s), not 3 (from,body,received_at). Quote a body that holds a comma",
        ])
    }

    @Test func aBadHeaderRefusesTheFile() {
        #expect(throws: InboundFile.HeaderError.self) { try InboundFile.read(path: "in.csv", text: "number,text\n+64211000000,STOP\n", region: .NZ) }
        do {
            _ = try InboundFile.read(path: "in.csv", text: "number,text\n", region: .NZ)
        } catch {
            #expect(error.description == "in.csv:1: error: the header must be \"from,body,received_at\", found \"number,text\". Export the replies with those three columns, in that order")
        }
    }
}

@Suite struct OptOutAddressTests {
    @Test func numbersAreE164AndEmailsLowerCased() {
        #expect(OptOutAddress.parse("021 100 0000", region: .NZ)?.key == "+64211000000")
        #expect(OptOutAddress.parse("+61 412 345 678", region: .NZ)?.key == "+61412345678")
        #expect(OptOutAddress.parse("Kylie.Singh@Example.COM", region: .NZ)?.key == "kylie.singh@example.com")
        #expect(OptOutAddress.parse("09 555 1234", region: .NZ) == nil)
        #expect(OptOutAddress.parse("not an address", region: .NZ) == nil)
    }
}
