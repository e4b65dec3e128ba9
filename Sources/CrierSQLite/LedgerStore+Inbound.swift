import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Records `replies` in one transaction. Per sender, the latest keyword reply by received_at
    /// (over every import) decides, and only when that reply is new: STOP adds the sender to the
    /// suppression list, START removes it. Re-importing the same replies changes nothing.
    package func importInbound(_ replies: [InboundReply], at: Date) throws -> InboundImport {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            var tally = InboundTally()
            let insert = try db.makeStatement(sql: """
                INSERT INTO inbound_replies (sender, received_at, body, keyword, imported_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (sender, received_at, body) DO NOTHING
                """)
            for reply in replies {
                try insert.execute(arguments: [reply.from, reply.receivedAt, reply.body, reply.keyword?.rawValue, now])
                tally.recorded(reply, inserted: db.changesCount > 0)
            }
            let latest = try db.makeStatement(sql: """
                SELECT received_at, body, keyword FROM inbound_replies WHERE sender = ? AND keyword IS NOT NULL
                ORDER BY received_at DESC, keyword = 'stop' DESC LIMIT 1
                """)
            for sender in tally.senders {
                let row = try GRDB.Row.fetchOne(latest, arguments: [sender])
                guard let keyword = tally.keyword(for: sender, latest: row.map { ($0["received_at"], $0["body"], $0["keyword"]) }) else { continue }
                switch keyword {
                case .stop:
                    try db.execute(sql: """
                        INSERT INTO opt_outs (address, reason, source, created_at) VALUES (?, 'replied STOP', 'inbound', ?)
                        ON CONFLICT (address) DO NOTHING
                        """, arguments: [sender, now])
                case .start:
                    try db.execute(sql: "DELETE FROM opt_outs WHERE address = ?", arguments: [sender])
                }
                tally.applied(keyword, to: sender, changed: db.changesCount > 0)
            }
            return tally.result
        }
    }
}
