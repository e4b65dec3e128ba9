import Foundation
import Testing
import CrierCore
@testable import CrierDelivery

@Suite("Delivery limits: the daily cap and the rate, shared by the workers")
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
