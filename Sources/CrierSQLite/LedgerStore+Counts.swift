import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Sent messages counted per `column` (`key` or `recipient`), with history's filters, most first.
    package func sentCounts(by column: SentCountColumn, _ wanted: HistoryFilter) throws -> [SentCount] {
        let filter = Self.conditions(of: wanted)
        return try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT \(column.rawValue) AS subject, sum(channel = 'sms') AS sms, sum(channel = 'email') AS email, max(sent_at) AS last
                FROM items WHERE \((["state = 'sent'"] + filter.conditions).joined(separator: " AND "))
                GROUP BY \(column.rawValue) ORDER BY count(*) DESC, \(column.rawValue)
                """, arguments: StatementArguments(filter.arguments)).map { row in
                SentCount(subject: row["subject"], sms: row["sms"], email: row["email"], lastSentAt: row["last"])
            }
        }
    }
}
