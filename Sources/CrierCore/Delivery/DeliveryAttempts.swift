import Foundation

/// The retry policy of one item within one run, as a value-type state machine: feed it each
/// attempt's outcome and it returns what to do next.
package struct DeliveryAttempts: Sendable, Equatable {
    /// What the dispatcher should do after an attempt.
    package enum Action: Sendable, Equatable {
        /// Record the item as sent.
        case recordSent(providerID: String?)
        /// Try again after this many seconds, in this run.
        case retry(after: TimeInterval)
        /// Stop for this run; the item stays pending for the next one (exit 75).
        case leaveForNextRun(String)
        /// Record the item as failed for good.
        case giveUp(String)
        /// The transport can deliver nothing now: stop using it for this run; the item stays
        /// pending with the fault (exit 65 or 75).
        case stopTransport(TransportFault)
    }

    /// Attempts made in this run.
    package private(set) var attempts = 0
    /// The most attempts in one run.
    package let maxAttempts: Int
    /// The first retry's delay; each further one doubles.
    package let baseDelay: TimeInterval

    /// A policy of `maxAttempts` tries with exponential backoff from `baseDelay`.
    package init(maxAttempts: Int = 3, baseDelay: TimeInterval = 1) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
    }

    /// The action for `outcome`.
    package mutating func handle(_ outcome: DeliveryOutcome) -> Action {
        attempts += 1
        switch outcome {
        case .delivered(let providerID):
            return .recordSent(providerID: providerID)
        case .permanent(let message):
            return .giveUp(message)
        case .unavailable(let fault):
            return .stopTransport(fault)
        case .transient(let message):
            guard attempts < maxAttempts else { return .leaveForNextRun(message) }
            return .retry(after: baseDelay * pow(2, Double(attempts - 1)))
        }
    }
}
