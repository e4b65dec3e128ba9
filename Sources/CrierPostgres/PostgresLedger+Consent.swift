import CrierCore
import Foundation

/// The suppression list and inbound replies.
extension PostgresLedger {
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

    /// Records `replies` in one transaction. Per sender, the latest keyword reply by received_at
    /// (over every import, from any host) decides, and only when that reply is new.
    package func importInbound(_ replies: [InboundReply], at: Date) throws -> InboundImport {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                var result = InboundImport()
                var fresh: [String: Set<[String]>] = [:]
                for reply in replies {
                    let inserted = try connection.execute("""
                        INSERT INTO inbound_replies (sender, received_at, body, keyword, imported_at) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (sender, received_at, body) DO NOTHING
                        """, [reply.from, reply.receivedAt, reply.body, reply.keyword?.rawValue, now]).changes
                    guard inserted > 0 else {
                        result.knownReplies += 1
                        continue
                    }
                    result.newReplies += 1
                    if reply.keyword == nil {
                        result.unknown.append(reply)
                    } else {
                        fresh[reply.from, default: []].insert([reply.receivedAt, reply.body])
                    }
                }
                for sender in fresh.keys.sorted() {
                    guard let latest = try connection.execute("""
                        SELECT received_at, body, keyword FROM inbound_replies WHERE sender = $1 AND keyword IS NOT NULL
                        ORDER BY received_at DESC, keyword = 'stop' DESC LIMIT 1
                        """, [sender]).first,
                          fresh[sender]?.contains([latest["received_at"] ?? "", latest["body"] ?? ""]) == true,
                          let keyword = latest["keyword"].flatMap(InboundKeyword.init(rawValue:)) else { continue }
                    switch keyword {
                    case .stop:
                        if try addOptOut(sender, reason: "replied STOP", source: .inbound, at: at) { result.optedOut.append(sender) }
                    case .start:
                        if try removeOptOut(sender) { result.optedIn.append(sender) }
                    }
                }
                return result
            }
        }
    }
}
