import CrierCore
import Foundation

/// What `history`, `failures` and `optout list` read, and the inbound replies.
extension PostgresLedger {
    /// The columns of `items` a history entry is read from.
    static let historyColumns = "id, schedule, key, occurrence, channel, recipient, state, reason, last_error, updated_at, sent_at"

    /// The entry of a row selected with `historyColumns`.
    static func historyEntry(_ row: PostgresRow) -> HistoryEntry {
        HistoryEntry(id: row["id"] ?? "", schedule: row["schedule"] ?? "", key: row["key"] ?? "", occurrence: row["occurrence"] ?? "",
                     channel: row["channel"] ?? "", recipient: row["recipient"] ?? "", state: row["state"] ?? "",
                     reason: row["reason"], error: row["last_error"], updatedAt: row["updated_at"] ?? "", sentAt: row["sent_at"])
    }

    /// `filter` as conditions joined with AND after `first` (whose parameters come first), and
    /// all the parameters.
    static func conditions(_ filter: HistoryFilter, after first: [String] = [], _ parameters: [String?] = [])
        -> (sql: String, parameters: [String?]) {
        var conditions = first, values = parameters
        for (column, value) in [("key", filter.key), ("recipient", filter.recipient), ("schedule", filter.schedule)] {
            guard let value else { continue }
            values.append(value)
            conditions.append("\(column) = $\(values.count)")
        }
        return (conditions.isEmpty ? "TRUE" : conditions.joined(separator: " AND "), values)
    }

    /// Items matching `filter`, newest first.
    package func history(_ filter: HistoryFilter, limit: Int) throws -> [HistoryEntry] {
        let condition = Self.conditions(filter)
        return try locked { connection in
            try connection.execute("""
                SELECT \(Self.historyColumns) FROM items WHERE \(condition.sql)
                ORDER BY updated_at DESC, schedule, key, recipient LIMIT \(max(0, limit))
                """, condition.parameters).rows.map(Self.historyEntry)
        }
    }

    /// Sent messages per `column`, most first.
    package func sentCounts(by column: SentCountColumn, _ filter: HistoryFilter) throws -> [SentCount] {
        let condition = Self.conditions(filter, after: ["state = 'sent'"])
        return try locked { connection in
            try connection.execute("""
                SELECT \(column.rawValue) AS subject, count(*) FILTER (WHERE channel = 'sms') AS sms,
                  count(*) FILTER (WHERE channel = 'email') AS email, max(sent_at) AS last
                FROM items WHERE \(condition.sql)
                GROUP BY \(column.rawValue) ORDER BY count(*) DESC, \(column.rawValue)
                """, condition.parameters).rows.map { row in
                SentCount(subject: row["subject"] ?? "", sms: row.int("sms"), email: row.int("email"), lastSentAt: row["last"])
            }
        }
    }

    /// Failed and uncertain items changed at or after `since`, newest first.
    package func failures(since: Date) throws -> [HistoryEntry] {
        try locked { connection in
            try connection.execute("""
                SELECT \(Self.historyColumns) FROM items WHERE state IN ('failed', 'uncertain') AND updated_at >= $1
                ORDER BY updated_at DESC, schedule, key, recipient
                """, [Timestamp.utc(since)]).rows.map(Self.historyEntry)
        }
    }

    /// How many items are in each state.
    package func stateCounts() throws -> [ItemState: Int] {
        try locked { connection in
            var counts: [ItemState: Int] = [:]
            for row in try connection.execute("SELECT state, count(*) AS n FROM items GROUP BY state").rows {
                if let state = row["state"].flatMap(ItemState.init(rawValue:)) { counts[state] = row.int("n") }
            }
            return counts
        }
    }

    /// The suppression list, ordered by address.
    package func optOuts() throws -> [OptOutEntry] {
        try locked { connection in
            try connection.execute("SELECT address, reason, source, created_at FROM opt_outs ORDER BY address").rows.map { row in
                OptOutEntry(address: row["address"] ?? "", reason: row["reason"], source: row["source"] ?? "", createdAt: row["created_at"] ?? "")
            }
        }
    }

    /// Records inbound `replies` in one transaction; per sender the latest keyword reply (over
    /// every import) decides, and only when it is new.
    package func importInbound(_ replies: [InboundReply], at: Date) throws -> InboundImport {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                var tally = InboundTally()
                for reply in replies {
                    let inserted = try connection.execute("""
                        INSERT INTO inbound_replies (sender, received_at, body, keyword, imported_at) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (sender, received_at, body) DO NOTHING
                        """, [reply.from, reply.receivedAt, reply.body, reply.keyword?.rawValue, now])
                    tally.recorded(reply, inserted: inserted.changes > 0)
                }
                for sender in tally.senders {
                    let row = try connection.execute("""
                        SELECT received_at, body, keyword FROM inbound_replies WHERE sender = $1 AND keyword IS NOT NULL
                        ORDER BY received_at DESC, keyword = 'stop' DESC LIMIT 1
                        """, [sender]).first
                    guard let keyword = tally.keyword(for: sender, latest: row.map { ($0["received_at"] ?? "", $0["body"] ?? "", $0["keyword"] ?? "") })
                    else { continue }
                    let changes: Int
                    switch keyword {
                    case .stop:
                        changes = try connection.execute("""
                            INSERT INTO opt_outs (address, reason, source, created_at) VALUES ($1, 'replied STOP', 'inbound', $2)
                            ON CONFLICT (address) DO NOTHING
                            """, [sender, now]).changes
                    case .start:
                        changes = try connection.execute("DELETE FROM opt_outs WHERE address = $1", [sender]).changes
                    }
                    tally.applied(keyword, to: sender, changed: changes > 0)
                }
                return tally.result
            }
        }
    }
}
