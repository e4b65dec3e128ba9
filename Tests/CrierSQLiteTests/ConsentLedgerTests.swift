import CrierCore
import Foundation
import Testing
@testable import CrierSQLite

@Suite struct ConsentLedgerTests {
    func ledger() throws -> LedgerStore {
        try LedgerStore(path: NSTemporaryDirectory() + "crier-consent-\(UUID().uuidString)/ledger.sqlite")
    }

    func reply(_ line: Int, _ from: String, _ body: String, _ at: String) -> InboundReply {
        InboundReply(line: line, from: from, body: body, receivedAt: at, keyword: InboundKeyword.classify(body))
    }

    @Test func addRemoveList() throws {
        let store = try ledger()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try store.addOptOut("+64211000000", reason: "asked by phone", source: .manual, at: now))
        #expect(try !store.addOptOut("+64211000000", reason: nil, source: .manual, at: now))
        #expect(try store.optOuts().map(\.address) == ["+64211000000"])
        #expect(try store.optOutKeys() == ["+64211000000"])
        #expect(try store.removeOptOut("+64211000000"))
        #expect(try !store.removeOptOut("+64211000000"))
        #expect(try store.optOuts().isEmpty)
    }

    @Test func latestKeywordWinsAndReimportChangesNothing() throws {
        let store = try ledger()
        let replies = [
            reply(2, "+64211000000", "STOP", "2026-11-23T10:00:00Z"),
            reply(3, "+64211000000", "start", "2026-11-23T09:00:00Z"),   // earlier: STOP wins
            reply(4, "+64211000001", "STOP", "2026-11-23T10:00:00Z"),
            reply(5, "+64211000001", "Start.", "2026-11-23T11:00:00Z"),  // later: START wins
            reply(6, "+64211000002", "See you at 3, thanks", "2026-11-23T11:00:00Z"),
        ]
        let first = try store.importInbound(replies, at: Date())
        #expect(first.newReplies == 5)
        #expect(first.optedOut == ["+64211000000"])
        #expect(first.optedIn.isEmpty)
        #expect(first.unknown.map(\.line) == [6])
        #expect(try store.optOutKeys() == ["+64211000000"])
        let again = try store.importInbound(replies, at: Date())
        #expect(again.newReplies == 0 && again.knownReplies == 5 && again.optedOut.isEmpty && again.unknown.isEmpty)
        #expect(try store.optOutKeys() == ["+64211000000"])
    }

    @Test func startOptsBackInButAnOldStopDoesNotReturn() throws {
        let store = try ledger()
        _ = try store.importInbound([reply(2, "+64211000000", "STOP", "2026-11-23T10:00:00Z")], at: Date())
        let back = try store.importInbound([reply(2, "+64211000000", "UNSTOP", "2026-11-24T10:00:00Z")], at: Date())
        #expect(back.optedIn == ["+64211000000"])
        #expect(try store.optOutKeys().isEmpty)
        // A late-arriving older STOP does not override the newer START.
        _ = try store.importInbound([reply(2, "+64211000000", "QUIT", "2026-11-23T12:00:00Z")], at: Date())
        #expect(try store.optOutKeys().isEmpty)
    }
}
