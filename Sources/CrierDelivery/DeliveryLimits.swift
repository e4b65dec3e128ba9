import CrierCore
import Foundation

/// `email.smtp.rate`: at most `perSecond` messages a second over all workers, spaced evenly.
package final class Throttle: @unchecked Sendable {
    /// Seconds between two messages.
    package let interval: TimeInterval
    /// The channels it applies to.
    package let channels: Set<Channel>
    private var next: TimeInterval?
    private let lock = NSLock()
    private let now: @Sendable () -> TimeInterval
    private let sleep: @Sendable (TimeInterval) -> Void

    /// A throttle of `perSecond` messages a second; `now` is a monotonic clock in seconds.
    package init(perSecond: Double, channels: Set<Channel>,
                 now: @escaping @Sendable () -> TimeInterval = { ProcessInfo.processInfo.systemUptime },
                 sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        interval = 1 / perSecond
        self.channels = channels
        self.now = now
        self.sleep = sleep
    }

    /// Waits for the next free turn of a `channel` message (at once when the throttle does not
    /// apply to it).
    package func wait(for channel: Channel) {
        guard channels.contains(channel) else { return }
        lock.lock()
        let current = now()
        let turn = max(current, next ?? current)
        next = turn + interval
        lock.unlock()
        if turn > current { sleep(turn - current) }
    }
}
