import Foundation
import Testing
@testable import CrierCore

@Suite("Delivery limits: daily cap and rate")
struct DeliveryLimitsTests {
    @Test func theCapCountsWhatWasSentTodayAndTakesBackFailures() {
        let cap = DailyCap(limit: 3, alreadySent: 1, channels: [.email])
        #expect(cap.applies(to: .email))
        #expect(!cap.applies(to: .sms))
        #expect(cap.take())
        #expect(cap.take())
        #expect(!cap.take(), "1 already sent + 2 = 3")
        cap.giveBack()
        #expect(cap.remaining == 1)
        #expect(cap.take())
        #expect(cap.remaining == 0)
    }

    @Test func theDayStartsAtLocalMidnight() throws {
        let auckland = try #require(TimeZone(identifier: "Pacific/Auckland"))
        // 2026-11-23 09:30 UTC is 22:30 NZDT (UTC+13): the day began at 2026-11-22 11:00 UTC.
        let start = DailyCap.startOfDay(Date(timeIntervalSince1970: 1_795_426_200), in: auckland)
        #expect(Timestamp.utc(start) == "2026-11-22T11:00:00Z")
        // 11:30 UTC is 00:30 the next day there.
        let next = DailyCap.startOfDay(Date(timeIntervalSince1970: 1_795_426_200 + 7200), in: auckland)
        #expect(Timestamp.utc(next) == "2026-11-23T11:00:00Z")
    }

    @Test func theThrottleSpacesMessagesEvenlyAcrossCallers() {
        let clock = FakeMonotonic()
        let throttle = Throttle(perSecond: 4, channels: [.email], now: { clock.now }, sleep: { clock.sleep($0) })
        for _ in 0..<5 { throttle.wait(for: .email) }
        #expect(clock.sleeps == [0.25, 0.25, 0.25, 0.25], "the first goes at once, then one every 1/4 s")
        throttle.wait(for: .sms)
        #expect(clock.sleeps.count == 4, "SMS over an HTTP gateway is not throttled by email.smtp.rate")
        clock.advance(10)
        throttle.wait(for: .email)
        #expect(clock.sleeps.count == 4, "after a quiet spell the next message goes at once")
    }

    @Test func theCapSkipsTheSendItemsBeyondWhatIsLeftInPlanOrder() {
        func item(_ key: String, _ channel: Channel, _ action: PlanItem.Action = .send) -> PlanItem {
            PlanItem(id: key, schedule: "s", slot: "x", key: key, occurrence: "o", channel: channel, recipient: "r",
                     action: action, reason: action == .skip ? "opted-out" : nil)
        }
        let plan = Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s", schedules: [],
                        items: [item("a", .email), item("b", .email, .skip), item("c", .sms), item("d", .email), item("e", .email)])
        let capped = plan.applyingDailyCap(remaining: 2, channels: [.email])
        #expect(capped.items.map(\.action) == [.send, .skip, .send, .send, .skip])
        #expect(capped.items.map(\.reason) == [nil, "opted-out", nil, nil, "daily-cap"])
        #expect(plan.applyingDailyCap(remaining: 0, channels: [.email, .sms]).items.filter { $0.reason == "daily-cap" }.map(\.key) == ["a", "c", "d", "e"])
    }
}

/// A monotonic clock that only moves when told to or when someone sleeps.
private final class FakeMonotonic: @unchecked Sendable {
    private let lock = NSLock()
    private var time: TimeInterval = 100
    private(set) var sleeps: [TimeInterval] = []

    var now: TimeInterval {
        lock.lock()
        defer { lock.unlock() }
        return time
    }

    func sleep(_ seconds: TimeInterval) {
        lock.lock()
        sleeps.append((seconds * 1000).rounded() / 1000)
        time += seconds
        lock.unlock()
    }

    func advance(_ seconds: TimeInterval) {
        lock.lock()
        time += seconds
        lock.unlock()
    }
}
