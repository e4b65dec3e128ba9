import Foundation
import Testing
@testable import CrierCore

@Suite("Daily cap in the plan")
struct DailyCapPlanTests {
    @Test func theDayStartsAtLocalMidnight() throws {
        let auckland = try #require(TimeZone(identifier: "Pacific/Auckland"))
        // 2026-11-23 09:30 UTC is 22:30 NZDT (UTC+13): the day began at 2026-11-22 11:00 UTC.
        let start = WallClock.startOfDay(containing: Date(timeIntervalSince1970: 1_795_426_200), in: auckland)
        #expect(Timestamp.utc(start) == "2026-11-22T11:00:00Z")
        // 11:30 UTC is 00:30 the next day there.
        let next = WallClock.startOfDay(containing: Date(timeIntervalSince1970: 1_795_426_200 + 7200), in: auckland)
        #expect(Timestamp.utc(next) == "2026-11-23T11:00:00Z")
    }

    @Test func theCapHoldsTheSendItemsBeyondWhatIsLeftInPlanOrder() {
        func item(_ key: String, _ channel: Channel, _ action: PlanItem.Action = .send) -> PlanItem {
            PlanItem(id: key, schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: key, occurrence: "o", channel: channel, recipient: "r",
                     action: action, reason: action == .skip ? .optedOut : nil)
        }
        let plan = Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s", schedules: [],
                        items: [item("a", .email), item("b", .email, .skip), item("c", .sms), item("d", .email), item("e", .email)])
        let capped = plan.applyingDailyCap(remaining: 2, channels: [.email])
        #expect(capped.items.map(\.action) == [.send, .skip, .send, .send, .hold])
        #expect(capped.items.map(\.reason?.description) == [nil, "opted-out", nil, nil, "daily-cap"])
        #expect(plan.applyingDailyCap(remaining: 0, channels: [.email, .sms]).items.filter { $0.action == .hold }.map(\.key) == ["a", "c", "d", "e"])
    }

    @Test func aHeldItemIsASkipForDailyCapInTheJSONAndReadsBackAsHeld() throws {
        let held = PlanItem(id: "i", schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: "k", occurrence: "o", channel: .email, recipient: "r",
                            action: .hold, reason: .dailyCap, content: .email(EmailContent(body: "Hello", subject: "Visit")))
        let text = held.json.compact()
        #expect(text.contains("\"action\":\"skip\",\"reason\":\"daily-cap\""), "SPEC §3: \(text)")
        #expect(try JSONDecoder().decode(PlanItem.self, from: Data(text.utf8)) == held)
        var skipped = held
        skipped.action = .skip
        skipped.reason = .optedOut
        #expect(try JSONDecoder().decode(PlanItem.self, from: Data(skipped.json.compact().utf8)).action == .skip)
    }
}
