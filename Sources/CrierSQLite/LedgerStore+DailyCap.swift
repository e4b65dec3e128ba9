import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Items of `channels` sent at or after `since`: what today's cap has used.
    package func sentCount(channels: Set<Channel>, since: Date) throws -> Int {
        try count(channels: channels, where: "state = 'sent' AND sent_at >= ?", [Timestamp.utc(since)])
    }

    /// Items of `channels` waiting to be sent (pending, or claimed by a live run).
    package func waitingCount(channels: Set<Channel>) throws -> Int {
        try count(channels: channels, where: "state IN ('pending', 'sending')", [])
    }

    /// Sent since `since` plus waiting: what a new plan has left under the cap.
    package func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int {
        try sentCount(channels: channels, since: since) + waitingCount(channels: channels)
    }

    /// How many items of `channels` match `condition`.
    private func count(channels: Set<Channel>, where condition: String, _ arguments: [String]) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        let names = channels.map(\.rawValue).sorted()
        let marks = names.map { _ in "?" }.joined(separator: ", ")
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE channel IN (\(marks)) AND \(condition)",
                             arguments: StatementArguments(names + arguments)) ?? 0
        }
    }
}
