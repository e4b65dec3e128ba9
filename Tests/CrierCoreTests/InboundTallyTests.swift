@testable import CrierCore
import Testing

/// The import decision both ledgers share: new vs known replies, and a sender's latest keyword
/// reply applies only when it is new.
@Suite struct InboundTallyTests {
    static func reply(_ from: String, _ body: String, _ at: String, _ keyword: InboundKeyword?) -> InboundReply {
        InboundReply(line: 2, from: from, body: body, receivedAt: at, keyword: keyword)
    }

    @Test func countsNewKnownAndUnknownReplies() {
        var tally = InboundTally()
        tally.recorded(Self.reply("+64211111111", "STOP", "2026-11-23T01:00:00Z", .stop), inserted: true)
        tally.recorded(Self.reply("+64211111111", "STOP", "2026-11-22T01:00:00Z", .stop), inserted: false)
        tally.recorded(Self.reply("+64222222222", "stop the 3pm visit", "2026-11-23T02:00:00Z", nil), inserted: true)
        #expect(tally.result.newReplies == 2)
        #expect(tally.result.knownReplies == 1)
        #expect(tally.result.unknown.map(\.body) == ["stop the 3pm visit"])
        #expect(tally.senders == ["+64211111111"])
    }

    @Test func theLatestReplyAppliesOnlyWhenItIsNew() {
        var tally = InboundTally()
        tally.recorded(Self.reply("+64211111111", "STOP", "2026-11-22T01:00:00Z", .stop), inserted: true)
        // An older STOP arrives after a START imported earlier: the START is the latest, and not new.
        #expect(tally.keyword(for: "+64211111111", latest: ("2026-11-23T01:00:00Z", "START", "start")) == nil)
        // The new STOP is the latest: it applies.
        #expect(tally.keyword(for: "+64211111111", latest: ("2026-11-22T01:00:00Z", "STOP", "stop")) == .stop)
        tally.applied(.stop, to: "+64211111111", changed: true)
        tally.applied(.start, to: "+64233333333", changed: false)
        #expect(tally.result.optedOut == ["+64211111111"])
        #expect(tally.result.optedIn.isEmpty)
    }
}
