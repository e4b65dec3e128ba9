import Foundation
import Testing
@testable import CrierCore

@Suite("Skip reason")
struct SkipReasonTests {
    static let every: [SkipReason] = [
        .alreadySent, .alreadyPlanned, .failedEarlier, .optedOut, .invalidAddress, .invalidChannel, .tooLong,
        .missingVariable("name"), .invalidText("note: x"), .invalidHeader("subject"), .invalidAttachment, .invalidTime("starts_at"),
        .superseded, .quietHours, .eventStarted, .dailyCap,
    ]

    @Test(arguments: every)
    func readsTheTextItWrites(_ reason: SkipReason) throws {
        #expect(SkipReason(reason.description) == reason)
        let json = try JSONEncoder().encode([reason])
        #expect(try JSONDecoder().decode([SkipReason].self, from: json) == [reason])
    }

    @Test func aPlanItemCarriesItsReasonAsText() throws {
        let item = PlanItem(id: "i", schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: "J1", occurrence: "o", channel: .sms, recipient: "r",
                            action: .skip, reason: .missingVariable("name"))
        #expect(item.json.compact().contains(#""reason":"missing-variable: name""#))
        let decoded = try JSONDecoder().decode(PlanItem.self, from: Data(item.json.compact().utf8))
        #expect(decoded.reason == .missingVariable("name"))
    }

    @Test func textThatIsNoReasonIsRefused() {
        #expect(SkipReason("daily cap") == nil)
        #expect(SkipReason("missing-variable") == nil)
        #expect(SkipReason("no-such-thing: x") == nil)
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode([SkipReason].self, from: Data(#"["sent-by-pigeon"]"#.utf8)) }
    }

    @Test func onlyTheLedgersOwnReportsAreLeftOutOfTheLedger() {
        #expect(Self.every.filter(\.reportsLedger) == [.alreadySent, .alreadyPlanned, .failedEarlier])
    }
}
