import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Items of `channels` sent at or after `since`: what today's cap has used.
    package func sentCount(channels: Set<Channel>, since: Date) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        let names = channels.map(\.rawValue).sorted()
        let marks = names.map { _ in "?" }.joined(separator: ", ")
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE state = 'sent' AND channel IN (\(marks)) AND sent_at >= ?",
                             arguments: StatementArguments(names + [Timestamp.utc(since)])) ?? 0
        }
    }

    /// Items of `channels` waiting to be sent (pending, or claimed by a live run).
    package func waitingCount(channels: Set<Channel>) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        let names = channels.map(\.rawValue).sorted()
        let marks = names.map { _ in "?" }.joined(separator: ", ")
        return try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE state IN ('pending', 'sending') AND channel IN (\(marks))",
                             arguments: StatementArguments(names)) ?? 0
        }
    }
}
