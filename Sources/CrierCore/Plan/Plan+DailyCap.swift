import Foundation

extension Plan {
    /// The plan with the `send` items of `channels` beyond the first `remaining` held as
    /// `daily-cap`: they are recorded as pending and wait for a run with room under the cap.
    /// The one place an item is held.
    package func applyingDailyCap(remaining: Int, channels: Set<Channel>) -> Plan {
        var copy = self
        var left = remaining
        for index in copy.items.indices where copy.items[index].action == .send && channels.contains(copy.items[index].channel) {
            if left > 0 {
                left -= 1
            } else {
                copy.items[index].action = .hold
                copy.items[index].reason = .dailyCap
            }
        }
        return copy
    }
}
