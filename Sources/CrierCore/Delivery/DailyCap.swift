import Foundation

/// `email.smtp.max_per_day`: how many messages the SMTP server may take in one local day
/// (the config's zone). Shared by the delivery workers; a message that was not accepted gives
/// its place back.
package final class DailyCap: @unchecked Sendable {
    /// The most messages per day.
    package let limit: Int
    /// The channels that travel over SMTP (email; SMS too with the email gateway).
    package let channels: Set<Channel>
    private var used: Int
    private let lock = NSLock()

    /// A cap of `limit` of which `alreadySent` were used today.
    package init(limit: Int, alreadySent: Int, channels: Set<Channel>) {
        self.limit = limit
        self.used = alreadySent
        self.channels = channels
    }

    /// Whether `channel` counts against the cap.
    package func applies(to channel: Channel) -> Bool { channels.contains(channel) }

    /// Takes a place; false when the day's cap is reached.
    package func take() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard used < limit else { return false }
        used += 1
        return true
    }

    /// Gives back a place taken for a message that was not accepted.
    package func giveBack() {
        lock.lock()
        used -= 1
        lock.unlock()
    }

    /// Places left today.
    package var remaining: Int {
        lock.lock()
        defer { lock.unlock() }
        return max(0, limit - used)
    }
}
