/// SQL that the SQLite and the PostgreSQL ledgers share word for word (standard SQL over the
/// same tables); `parameter` is the dialect's mark (`?`, `$1`).
package enum LedgerQueries {
    /// Pending items whose wait began before the parameter, oldest wait first, as `columns`
    /// of `items` plus `waiting_since`. A wait begins at the item's first event after its last
    /// settled one (skipped, failed, uncertain, sent): recorded, planned again after a skip, or
    /// retried. Runs that tried it and left it pending since do not restart the wait.
    package static func waitingPendingSQL(columns: String, parameter: String) -> String {
        """
        SELECT * FROM (
          SELECT \(columns), created_at, COALESCE((SELECT MIN(e.at) FROM item_events e WHERE e.item_id = items.id
            AND e.id > COALESCE((SELECT MAX(t.id) FROM item_events t WHERE t.item_id = items.id
                                 AND t.state IN ('skipped', 'failed', 'uncertain', 'sent')), 0)), created_at) AS waiting_since
          FROM items WHERE state = 'pending'
        ) waiting WHERE waiting_since < \(parameter)
        ORDER BY waiting_since, schedule, key, recipient
        """
    }

    /// Item `parameter`'s events, oldest first, with the command of the run that wrote each.
    package static func eventsSQL(parameter: String) -> String {
        """
        SELECT e.at, e.state, e.detail, runs.command FROM item_events e LEFT JOIN runs ON runs.id = e.run_id
        WHERE e.item_id = \(parameter) ORDER BY e.id
        """
    }
}
