import CrierCore
import Foundation
import GRDB

/// How many messages went to one key or one recipient.
package struct SentCount: Sendable, Equatable {
    /// The key or the recipient.
    package var subject: String
    /// SMS sent.
    package var sms: Int
    /// Emails sent.
    package var email: Int
    /// When the latest went out (UTC).
    package var lastSentAt: String?

    /// All messages.
    package var total: Int { sms + email }
}

extension LedgerStore {
    /// Sent messages counted per `column` (`key` or `recipient`), with history's filters, most first.
    package func sentCounts(by column: SentCountColumn, key: String?, recipient: String?, schedule: String?) throws -> [SentCount] {
        let filter = Self.historyFilter(key: key, recipient: recipient, schedule: schedule)
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

/// What `sentCounts` groups by.
package enum SentCountColumn: String, Sendable {
    /// Per key (job, appointment, ticket).
    case key
    /// Per recipient.
    case recipient
}
