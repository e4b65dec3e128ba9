import CrierCore
import Foundation

/// `crier retry`'s write, and what `failures` and `history --item` read about waiting items.
extension PostgresLedger {
    /// Puts the items of `ids` that are in one of `states` back to pending, each with a
    /// `retried` event, in one transaction (rows locked as they are read).
    package func requeue(ids: [String], from states: Set<ItemState>, actor: String, at: Date) throws -> [String] {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                var moved: [String] = []
                for id in ids {
                    guard let row = try connection.execute("SELECT state, last_error FROM items WHERE id = $1 FOR UPDATE", [id]).first,
                          let state = row["state"].flatMap(ItemState.init(rawValue:)), states.contains(state) else { continue }
                    try connection.execute("UPDATE items SET state = 'pending', updated_at = $1 WHERE id = $2", [now, id])
                    try connection.execute("INSERT INTO item_events (item_id, at, state, detail) VALUES ($1, $2, 'retried', $3)",
                                           [id, now, Retry.eventDetail(actor: actor, state: state, error: row["last_error"])])
                    moved.append(id)
                }
                return moved
            }
        }
    }

    /// Pending items whose wait began before `before`, oldest wait first.
    package func waitingPending(since before: Date) throws -> [HistoryEntry] {
        try locked { connection in
            try connection.execute(LedgerQueries.waitingPendingSQL(columns: Self.historyColumns, parameter: "$1"),
                                   [Timestamp.utc(before)]).rows.map { row in
                var entry = Self.historyEntry(row)
                entry.waitingSince = row["waiting_since"]
                return entry
            }
        }
    }

    /// Item `id`'s events, oldest first.
    package func events(itemID: String) throws -> [ItemEvent] {
        try locked { connection in
            try connection.execute(LedgerQueries.eventsSQL(parameter: "$1"), [itemID]).rows.map { row in
                ItemEvent(at: row["at"] ?? "", state: row["state"] ?? "", detail: row["detail"].map(Redaction.redact), command: row["command"])
            }
        }
    }
}
