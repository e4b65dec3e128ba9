import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Puts the items of `ids` that are in one of `states` back to pending, each with a
    /// `retried` event, in one transaction.
    package func requeue(ids: [String], from states: Set<ItemState>, actor: String, at: Date) throws -> [String] {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            var moved: [String] = []
            let read = try db.makeStatement(sql: "SELECT state, last_error FROM items WHERE id = ?")
            for id in ids {
                guard let row = try GRDB.Row.fetchOne(read, arguments: [id]),
                      let state = ItemState(rawValue: row["state"]), states.contains(state) else { continue }
                try db.execute(sql: "UPDATE items SET state = 'pending', updated_at = ? WHERE id = ? AND state = ?",
                               arguments: [now, id, state.rawValue])
                try db.execute(sql: "INSERT INTO item_events (item_id, at, state, detail) VALUES (?, ?, 'retried', ?)",
                               arguments: [id, now, Retry.eventDetail(actor: actor, state: state, error: row["last_error"])])
                moved.append(id)
            }
            return moved
        }
    }

    /// Pending items whose wait began before `before`, oldest wait first.
    package func waitingPending(since before: Date) throws -> [HistoryEntry] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: LedgerQueries.waitingPendingSQL(columns: HistoryEntry.columns, parameter: "?"),
                                  arguments: [Timestamp.utc(before)]).map { row in
                var entry = HistoryEntry(row: row)
                entry.waitingSince = row["waiting_since"]
                return entry
            }
        }
    }

    /// Item `id`'s events, oldest first. A delivery that went well writes no event rows (its
    /// claim, hand-over and sending are in the item's row), so its `sent` is read from the row.
    package func events(itemID: String) throws -> [ItemEvent] {
        try queue.read { db in
            var events = try GRDB.Row.fetchAll(db, sql: LedgerQueries.eventsSQL(parameter: "?"), arguments: [itemID]).map { row in
                ItemEvent(at: row["at"], state: row["state"], detail: (row["detail"] as String?).map(Redaction.redact), command: row["command"])
            }
            if let sent = try GRDB.Row.fetchOne(db, sql: """
                SELECT items.sent_at, runs.command FROM items LEFT JOIN runs ON runs.id = items.claimed_by
                WHERE items.id = ? AND items.state = 'sent'
                """, arguments: [itemID]), let at: String = sent["sent_at"] {
                events.append(ItemEvent(at: at, state: "sent", detail: nil, command: sent["command"]))
            }
            return events
        }
    }
}
