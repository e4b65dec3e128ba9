import CrierCore
import Foundation

extension PostgresLedger: Ledger {
    // MARK: LedgerView

    /// How a slot was recorded.
    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? {
        try locked { connection in
            try connection.execute("SELECT status FROM slots WHERE schedule = $1 AND slot = $2", [schedule, slot])
                .first?["status"].flatMap(SlotStatus.init(rawValue:))
        }
    }

    /// States of the given ids, looked up in batches.
    package func itemStates(ids: [String]) throws -> [String: ItemState] {
        try locked { connection in
            var states: [String: ItemState] = [:]
            for start in stride(from: 0, to: ids.count, by: 1000) {
                let batch = Array(ids[start..<min(start + 1000, ids.count)])
                try connection.forEachRow("SELECT id, state FROM items WHERE id = ANY($1::text[])", [Self.array(batch)]) { row in
                    if let id = row[0], let state = row[1].flatMap(ItemState.init(rawValue:)) { states[id] = state }
                }
            }
            return states
        }
    }

    /// The recorded content of the items with `ids`, by id.
    package func contents(ids: [String]) throws -> [String: PlanItem] {
        try locked { connection in
            var found: [String: PlanItem] = [:]
            for start in stride(from: 0, to: ids.count, by: 1000) {
                let batch = Array(ids[start..<min(start + 1000, ids.count)])
                try connection.forEachRow("SELECT id, payload FROM items WHERE id = ANY($1::text[])", [Self.array(batch)]) { row in
                    if let id = row[0], let payload = row[1] {
                        found[id] = try JSONDecoder().decode(PlanItem.self, from: Data(payload.utf8))
                    }
                }
            }
            return found
        }
    }

    /// The suppression list's keys.
    package func optOutKeys() throws -> Set<String> {
        try locked { connection in
            var keys: Set<String> = []
            try connection.forEachRow("SELECT address FROM opt_outs") { row in row[0].map { _ = keys.insert($0) } }
            return keys
        }
    }

    /// Items of `schedule` still skipped for quiet hours, in slots at or after `since`: id → slot.
    package func quietHoursItems(schedule: String, since: String) throws -> [String: String] {
        try locked { connection in
            var result: [String: String] = [:]
            try connection.forEachRow("""
                SELECT id, slot FROM items WHERE schedule = $1 AND reason = $2 AND state = 'skipped' AND slot >= $3
                """, [schedule, SkipReason.quietHours.description, since]) { row in
                if let id = row[0], let slot = row[1] { result[id] = slot }
            }
            return result
        }
    }

    /// Sent since `since` plus waiting (pending or sending): what a new plan has left under the cap.
    package func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int {
        guard !channels.isEmpty else { return 0 }
        return try locked { connection in
            try connection.execute("""
                SELECT count(*) AS n FROM items WHERE channel = ANY($1::text[])
                  AND (state IN ('pending', 'sending') OR (state = 'sent' AND sent_at >= $2))
                """, [Self.array(channels.map(\.rawValue)), Timestamp.utc(since)]).first?.int("n") ?? 0
        }
    }

    // MARK: Ledger

    /// Opens a run record; this process's run from now on.
    package func beginRun(command: String, at: Date, clock: Date) throws -> Int64 {
        try locked { connection in
            let row = try connection.execute("""
                INSERT INTO runs (command, at, started_at, host, pid) VALUES ($1, $2, $3, $4, $5) RETURNING id
                """, [command, Timestamp.utc(at), Timestamp.utc(clock), ProcessInfo.processInfo.hostName, "\(getpid())"]).first
            guard let id = row?["id"].flatMap(Int64.init) else {
                throw PostgresError.query(server: settings.displayName, sqlState: nil, message: "INSERT INTO runs returned no id")
            }
            return id
        }
    }

    /// Items left in `sending`: under the run lock, by runs that died.
    package func orphanedSending() throws -> [LedgerItem] {
        try locked { connection in
            var items: [LedgerItem] = []
            try connection.forEachRow("""
                SELECT payload, state, attempts, last_error, claimed_by, event_at,
                  EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = items.id AND e.state = 'handed-over'
                          AND e.id > (SELECT MAX(s.id) FROM item_events s WHERE s.item_id = items.id AND s.state = 'sending')) AS handed_over
                FROM items WHERE state = 'sending'
                ORDER BY created_at, schedule, key, recipient
                """) { row in
                var item = try Self.ledgerItem(row)
                item.handedOver = row["handed_over"] == "t"
                items.append(item)
            }
            return items
        }
    }

    /// Records the hand-over of `id`'s message as an event of its claiming run.
    package func markHandedOver(id: String, runID: Int64, at: Date) throws {
        try locked { connection in try markHandedOver(id: id, runID: runID, at: Timestamp.utc(at), on: connection) }
    }

    /// Pending items in plan order.
    package func pending() throws -> [LedgerItem] {
        try locked { connection in
            var items: [LedgerItem] = []
            try connection.forEachRow("""
                SELECT payload, state, attempts, last_error, event_at FROM items WHERE state = 'pending'
                ORDER BY created_at, schedule, key, recipient, id
                """) { items.append(try Self.ledgerItem($0)) }
            return items
        }
    }

    /// The pending items' ids in plan order.
    package func pendingIDs() throws -> [String] {
        try locked { connection in
            var ids: [String] = []
            try connection.forEachRow("SELECT id FROM items WHERE state = 'pending' ORDER BY created_at, schedule, key, recipient, id") {
                ids.append($0["id"] ?? "")
            }
            return ids
        }
    }

    /// Those of `ids` still pending, in the order given.
    package func pending(ids: [String]) throws -> [LedgerItem] {
        guard !ids.isEmpty else { return [] }
        let found = try locked { connection in
            var items: [LedgerItem] = []
            let marks = (1...ids.count).map { "$\($0)" }.joined(separator: ",")
            try connection.forEachRow("""
                SELECT payload, state, attempts, last_error, event_at FROM items WHERE id IN (\(marks)) AND state = 'pending'
                """, ids) { items.append(try Self.ledgerItem($0)) }
            return items
        }
        return found.ordered(by: ids)
    }

    /// pending → sending for `runID`, only if still pending (and, with a `claimCap`, only while
    /// today's count leaves room).
    package func claim(id: String, runID: Int64, at: Date) throws -> Bool {
        try settle(nil, thenClaim: id, runID: runID, at: at)
    }

    /// Records how an attempt ended, only while the item is still `sending` for its run.
    @discardableResult
    package func settle(_ settlement: Settlement, at: Date) throws -> Bool {
        try locked { connection in
            try connection.transaction { try settle(settlement, at: Timestamp.utc(at), on: connection) }
        }
    }

    /// Notes `error` on those of `ids` still pending, each with an event, in one transaction.
    @discardableResult
    package func leavePending(ids: [String], error: String, runID: Int64, at: Date) throws -> Int {
        let (now, text) = (Timestamp.utc(at), Redaction.redact(error))
        return try locked { connection in
            try connection.transaction {
                var noted = 0
                for id in ids {
                    let row = try connection.execute("UPDATE items SET last_error = $1, updated_at = $2 WHERE id = $3 AND state = 'pending'",
                                                     [text, now, id])
                    guard row.changes == 1 else { continue }
                    try connection.execute("INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES ($1, $2, $3, 'pending', $4)",
                                           [id, "\(runID)", now, text])
                    noted += 1
                }
                return noted
            }
        }
    }

    /// pending → skipped with `reason` (the delivery gate withdrew it).
    @discardableResult
    package func withdraw(id: String, reason: SkipReason, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                let withdrawn = try connection.execute("""
                    UPDATE items SET state = 'skipped', reason = $1, updated_at = $2 WHERE id = $3 AND state = 'pending'
                    """, [reason.description, now, id])
                guard withdrawn.changes == 1 else { return false }
                try connection.execute("INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES ($1, $2, $3, 'skipped', $4)",
                                       [id, "\(runID)", now, reason.description])
                return true
            }
        }
    }

    /// Records `settlement` and claims `id` in one transaction (every commit here is durable:
    /// `synchronous_commit` is the server's, on by default).
    package func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                if let settlement { _ = try settle(settlement, at: now, on: connection) }
                return try claim(id: id, runID: runID, at: now, on: connection)
            }
        }
    }

    /// Records `settlement`, claims `id` and marks its hand-over in one transaction (durable at
    /// its commit, as every commit here).
    package func settle(_ settlement: Settlement?, thenHandOver id: String, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                if let settlement { _ = try settle(settlement, at: now, on: connection) }
                guard try claim(id: id, runID: runID, at: now, on: connection) else { return false }
                try markHandedOver(id: id, runID: runID, at: now, on: connection)
                return true
            }
        }
    }

    /// Closes the run record.
    package func finishRun(_ runID: Int64, outcome: String, at: Date) throws {
        try locked { connection in
            try connection.execute("UPDATE runs SET finished_at = $1, outcome = $2 WHERE id = $3", [Timestamp.utc(at), outcome, "\(runID)"])
        }
    }

    // MARK: Claim and settle

    private func claim(id: String, runID: Int64, at now: String, on connection: PostgresConnection) throws -> Bool {
        var room = "TRUE"
        var parameters: [String?] = ["\(runID)", now, id]
        if let cap = claimCap, !cap.channels.isEmpty {
            // One claim at a time counts today's use, whichever host claims.
            try connection.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", ["\(LockSpace.dailyCap.rawValue)", settings.schema])
            room = """
                (channel <> ALL($4::text[]) OR (SELECT count(*) FROM items WHERE channel = ANY($4::text[])
                  AND (state = 'sending' OR (state = 'sent' AND sent_at >= $5))) < $6)
                """
            parameters += [Self.array(cap.channels.map(\.rawValue)), Timestamp.utc(cap.since), "\(cap.limit)"]
        }
        let claimed = try connection.execute("""
            UPDATE items SET state = 'sending', claimed_by = $1, attempts = attempts + 1, updated_at = $2
            WHERE id = $3 AND state = 'pending' AND \(room)
            """, parameters)
        guard claimed.changes == 1 else { return false }
        try connection.execute("INSERT INTO item_events (item_id, run_id, at, state) VALUES ($1, $2, $3, 'sending')", [id, "\(runID)", now])
        return true
    }

    private func markHandedOver(id: String, runID: Int64, at now: String, on connection: PostgresConnection) throws {
        try connection.execute("INSERT INTO item_events (item_id, run_id, at, state) VALUES ($1, $2, $3, 'handed-over')", [id, "\(runID)", now])
    }

    /// Settles an item only while it is still `sending` under `settlement.runID`'s claim: an
    /// outcome never overwrites another host's.
    private func settle(_ settlement: Settlement, at now: String, on connection: PostgresConnection) throws -> Bool {
        let state = settlement.state.rawValue
        // The last line of defence: transports mask their texts already.
        let error = settlement.error.map(Redaction.redact)
        let settled = try connection.execute("""
            UPDATE items SET state = $1, last_error = $2, provider_id = COALESCE($3, provider_id), updated_at = $4,
              sent_at = CASE WHEN $1 = 'sent' THEN $4 ELSE sent_at END
            WHERE id = $5 AND state = 'sending' AND claimed_by = $6
            """, [state, error, settlement.providerID, now, settlement.id, "\(settlement.runID)"])
        guard settled.changes == 1 else { return false }
        try connection.execute("INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES ($1, $2, $3, $4, $5)",
                               [settlement.id, "\(settlement.runID)", now, state, error])
        return true
    }

    // MARK: Values

    /// A PostgreSQL array literal of `values` (bound as one text parameter, cast to text[]).
    static func array(_ values: [String]) -> String {
        "{" + values.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
            .joined(separator: ",") + "}"
    }

    /// The item of a row with `payload`, `state`, `attempts`, `last_error` and `event_at`.
    static func ledgerItem(_ row: PostgresRow) throws -> LedgerItem {
        var item = try JSONDecoder().decode(PlanItem.self, from: Data((row["payload"] ?? "").utf8))
        item.eventAt = row["event_at"].flatMap(Timestamp.parseISO)
        return LedgerItem(item: item, state: row["state"].flatMap(ItemState.init(rawValue:)) ?? .pending,
                          attempts: row.int("attempts"), lastError: row["last_error"], claimedBy: row["claimed_by"].flatMap(Int64.init))
    }
}
