import Testing
@testable import CrierCore

/// The queue policy fed outcomes: the actions it returns.
@Suite struct DeliveryQueuePolicyTests {
    @Test func fiveDeferralsInARowStopTheRun() {
        var policy = DeliveryQueuePolicy(giveUpAfter: 5)
        #expect((1...4).map { _ in policy.note(deferred: true) } == [.next, .next, .next, .next])
        #expect(policy.note(deferred: true) == .stop)
        #expect(policy.stopped)
        #expect(policy.note(deferred: false) == .stop, "a stopped queue stays stopped")
    }

    @Test func aSettledItemResetsTheCount() {
        var policy = DeliveryQueuePolicy(giveUpAfter: 3)
        #expect(policy.note(deferred: true) == .next)
        #expect(policy.note(deferred: true) == .next)
        #expect(policy.note(deferred: false) == .next)
        #expect(policy.deferralsInARow == 0)
        #expect(policy.note(deferred: true) == .next)
        #expect(policy.note(deferred: true) == .next)
        #expect(policy.note(deferred: true) == .stop)
    }

    @Test func zeroNeverStops() {
        var policy = DeliveryQueuePolicy(giveUpAfter: 0)
        #expect((1...50).allSatisfy { _ in policy.note(deferred: true) == .next })
    }
}
