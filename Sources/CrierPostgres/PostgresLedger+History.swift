import CrierCore
import Foundation

/// What `history`, `failures` and `optout list` read.
extension PostgresLedger: LedgerHistory {
    /// The columns of `items` an entry is read from.
    static let historyColumns = "id, schedule, key, occurrence, channel, recipient, state, reason, last_error, updated_at, sent_at"

    /// Items matching `filter`, newest first.
    package func history(_ filter: HistoryFilter, limit: Int) throws -> [HistoryEntry] {
        let (conditions, parameters) = Self.conditions(of: filter)
        return try entries("""
            SELECT \(Self.historyColumns) FROM items \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY updated_at DESC, schedule, key, recipient LIMIT \(max(limit, 0))
            """, parameters)
    }

    /// Sent messages counted per `column`, with `filter`, most first.
    package func sentCounts(by column: SentCountColumn, _ filter: HistoryFilter) throws -> [SentCount] {
        let (conditions, parameters) = Self.conditions(of: filter)
        return try locked { connection in
            try connection.execute("""
                SELECT \(column.rawValue) AS subject, count(*) FILTER (WHERE channel = 'sms') AS sms,
                  count(*) FILTER (WHERE channel = 'email') AS email, max(sent_at) AS last
                FROM items WHERE \((["state = 'sent'"] + conditions).joined(separator: " AND "))
                GROUP BY \(column.rawValue) ORDER BY count(*) DESC, \(column.rawValue)
                """, parameters).rows.map { row in
                SentCount(subject: row["subject"] ?? "", sms: row.int("sms"), email: row.int("email"), lastSentAt: row["last"])
            }
        }
    }

    /// Failed and uncertain items changed at or after `since`, newest first.
    package func failures(since: Date) throws -> [HistoryEntry] {
        try entries("""
            SELECT \(Self.historyColumns) FROM items WHERE state IN ('failed', 'uncertain') AND updated_at >= $1
            ORDER BY updated_at DESC, schedule, key, recipient
            """, [Timestamp.utc(since)])
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

    /// `filter` as conditions on `items` ($1, $2, ... in order) and their parameters.
    private static func conditions(of filter: HistoryFilter) -> (conditions: [String], parameters: [String?]) {
        let wanted = [("key", filter.key), ("recipient", filter.recipient), ("schedule", filter.schedule)].compactMap { name, value in
            value.map { (name, $0) }
        }
        return (wanted.enumerated().map { "\($0.element.0) = $\($0.offset + 1)" }, wanted.map(\.1))
    }

    private func entries(_ sql: String, _ parameters: [String?]) throws -> [HistoryEntry] {
        try locked { connection in
            try connection.execute(sql, parameters).rows.map { row in
                HistoryEntry(id: row["id"] ?? "", schedule: row["schedule"] ?? "", key: row["key"] ?? "", occurrence: row["occurrence"] ?? "",
                             channel: row["channel"] ?? "", recipient: row["recipient"] ?? "", state: row["state"] ?? "",
                             reason: row["reason"], error: row["last_error"], updatedAt: row["updated_at"] ?? "", sentAt: row["sent_at"])
            }
        }
    }
}
