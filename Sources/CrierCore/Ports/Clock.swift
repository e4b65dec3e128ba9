import Foundation

/// The one source of "now" for a command.
package protocol Clock: Sendable {
    /// The current instant.
    var now: Date { get }
}

/// A clock fixed at one instant (`--at T`, and tests).
package struct FixedClock: Clock {
    /// The instant it always tells.
    package var now: Date
    /// A clock stopped at `now`.
    package init(_ now: Date) { self.now = now }
}

/// The system's clock.
package struct SystemClock: Clock {
    /// The system clock.
    package init() {}
    /// `Date()`.
    package var now: Date { Date() }
}
