import Testing
@testable import CrierCore

/// The retry policy of one item fed delivery outcomes: the actions it returns.
@Suite struct DeliveryAttemptsTests {
    @Test func transientTroubleIsRetriedWithDoublingDelaysThenLeftForTheNextRun() {
        var attempts = DeliveryAttempts(maxAttempts: 3, baseDelay: 2)
        #expect(attempts.handle(.transient("421 busy")) == .retry(after: 2))
        #expect(attempts.handle(.transient("421 busy")) == .retry(after: 4))
        #expect(attempts.handle(.transient("421 busy")) == .leaveForNextRun("421 busy"))
        #expect(attempts.attempts == 3)
    }

    @Test func aDeliveryIsRecordedWithTheProvidersID() {
        var attempts = DeliveryAttempts()
        #expect(attempts.handle(.transient("timeout")) == .retry(after: 1))
        #expect(attempts.handle(.delivered(providerID: "SM1")) == .recordSent(providerID: "SM1"))
    }

    @Test func aPermanentRefusalGivesUpAtOnce() {
        var attempts = DeliveryAttempts(maxAttempts: 5)
        #expect(attempts.handle(.permanent("550 no such user")) == .giveUp("550 no such user"))
        #expect(attempts.attempts == 1)
    }
}
