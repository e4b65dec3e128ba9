import CrierCore
import Foundation

/// The suppression list and the daily cap's counts.
extension PostgresLedger {
    /// Items of `channels` sent at or after `since`: what today's cap has used.
    package func sentCount(channels: Set<Channel>, since: Date) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        return try locked { connection in
            try connection.execute("SELECT count(*) AS n FROM items WHERE state = 'sent' AND channel = ANY($1::text[]) AND sent_at >= $2",
                                   [Self.array(channels.map(\.rawValue)), Timestamp.utc(since)]).first?.int("n") ?? 0
        }
    }

    /// Adds `address` (a normalised key) to the suppression list; false when it was there already.
    @discardableResult
    package func addOptOut(_ address: String, reason: String?, source: OptOutSource, at: Date) throws -> Bool {
        try locked { connection in
            try connection.execute("""
                INSERT INTO opt_outs (address, reason, source, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (address) DO NOTHING
                """, [address, reason, source.rawValue, Timestamp.utc(at)]).changes > 0
        }
    }

    /// Removes `address` from the suppression list; false when it was not there.
    @discardableResult
    package func removeOptOut(_ address: String) throws -> Bool {
        try locked { connection in try connection.execute("DELETE FROM opt_outs WHERE address = $1", [address]).changes > 0 }
    }
}
