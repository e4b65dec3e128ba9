import CrierCore
import Foundation

/// Recording a plan, and the change trigger's state it carries.
extension PostgresLedger {
    /// Records a plan in one transaction: each due or missed slot is claimed by inserting its
    /// unique row; each change schedule's state moves only from the generation its planning
    /// read. A schedule whose slot or state another host recorded first keeps that host's
    /// record: none of this plan's items, state or slot for it is written.
    package func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                var result = RecordResult()
                var lost: Set<String> = []
                var claimedSlots: [String: String] = [:]
                for (claim, status) in plan.slotRecords {
                    let inserted = try connection.execute("""
                        INSERT INTO slots (schedule, slot, status, run_id, recorded_at) VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (schedule, slot) DO NOTHING
                        """, [claim.schedule, claim.slot, status.rawValue, "\(runID)", now])
                    if inserted.changes == 1 {
                        claimedSlots[claim.schedule] = claim.slot
                    } else {
                        lost.insert(claim.schedule)
                        result.lost.append(claim)
                    }
                }
                for (schedule, definition) in plan.definitions.sorted(by: { $0.key < $1.key }) where !lost.contains(schedule) {
                    let generation = plan.changeGenerations[schedule, default: 0]
                    guard try advanceGeneration(schedule: schedule, definition: definition, from: generation, at: now, on: connection) else {
                        lost.insert(schedule)
                        if let slot = claimedSlots.removeValue(forKey: schedule) {
                            try connection.execute("DELETE FROM slots WHERE schedule = $1 AND slot = $2 AND run_id = $3", [schedule, slot, "\(runID)"])
                            result.lost.append(ScheduleSlot(schedule: schedule, slot: slot))
                        }
                        continue
                    }
                }
                result.claimed = claimedSlots.sorted { $0.key < $1.key }.map { ScheduleSlot(schedule: $0.key, slot: $0.value) }
                for update in plan.stateUpdates where !lost.contains(update.schedule) {
                    try recordChangeState(update, at: now, on: connection)
                }
                for item in plan.items where !lost.contains(item.schedule) {
                    guard let state = try recordItem(item, runID: runID, at: now, on: connection) else { continue }
                    if state == .pending { result.pending += 1 } else { result.skipped += 1 }
                }
                return result
            }
        }
    }

    /// Inserts `item` (or replaces a skipped one); the state it was recorded in, nil when the
    /// ledger already had it in another state.
    private func recordItem(_ item: PlanItem, runID: Int64, at now: String, on connection: PostgresConnection) throws -> ItemState? {
        if item.action == .skip, item.reason?.reportsLedger == true {
            return nil
        }
        // Sent and held items wait to be delivered; only a skip keeps its reason.
        let state: ItemState = item.action == .skip ? .skipped : .pending
        let reason = item.action == .skip ? item.reason?.description : nil
        let written = try connection.execute("""
            INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, reason, payload, run_id, created_at, updated_at,
                               event_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)
            ON CONFLICT (id) DO UPDATE SET
              slot = excluded.slot, state = excluded.state, reason = excluded.reason, payload = excluded.payload,
              run_id = excluded.run_id, updated_at = excluded.updated_at, event_at = excluded.event_at
            WHERE items.state = 'skipped'
            """, [item.id, item.schedule, item.slot.text, item.key, item.occurrence.text, item.channel.rawValue, item.recipient,
                  state.rawValue, reason, item.json.compact(), "\(runID)", now, item.eventAt.map(Timestamp.utc)])
        guard written.changes == 1 else { return nil }
        try connection.execute("INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES ($1, $2, $3, $4, $5)",
                               [item.id, "\(runID)", now, state.rawValue, item.reason?.description])
        return state
    }

    /// Records `definition` as the next generation of `schedule`'s change state, only if the
    /// generation is still `generation`, the one planning read (0: none recorded); false when
    /// another run moved it first.
    private func advanceGeneration(schedule: String, definition: String, from generation: Int64, at now: String,
                                   on connection: PostgresConnection) throws -> Bool {
        guard generation == 0 else {
            return try connection.execute("""
                UPDATE change_definitions SET definition = $2, generation = generation + 1, recorded_at = $3
                WHERE schedule = $1 AND generation = $4
                """, [schedule, definition, now, "\(generation)"]).changes == 1
        }
        return try connection.execute("""
            INSERT INTO change_definitions (schedule, definition, generation, recorded_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (schedule) DO NOTHING
            """, [schedule, definition, now]).changes == 1
    }

    private func recordChangeState(_ update: ChangeStateUpdate, at now: String, on connection: PostgresConnection) throws {
        if let fingerprint = update.fingerprint {
            try connection.execute("""
                INSERT INTO change_fingerprints (schedule, key, fingerprint) VALUES ($1, $2, $3)
                ON CONFLICT (schedule, key) DO UPDATE SET fingerprint = excluded.fingerprint
                """, [update.schedule, update.key, fingerprint])
            try connection.execute("""
                INSERT INTO change_rows (schedule, key, rows, updated_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (schedule, key) DO UPDATE SET rows = excluded.rows, updated_at = excluded.updated_at
                """, [update.schedule, update.key, update.rows ?? "[]", now])
        } else {
            try connection.execute("DELETE FROM change_fingerprints WHERE schedule = $1 AND key = $2", [update.schedule, update.key])
            try connection.execute("DELETE FROM change_rows WHERE schedule = $1 AND key = $2", [update.schedule, update.key])
        }
    }

    // MARK: Reading the change state

    /// The recorded change-trigger definition.
    package func changeDefinition(schedule: String) throws -> String? {
        try locked { connection in
            try connection.execute("SELECT definition FROM change_definitions WHERE schedule = $1", [schedule]).first?["definition"]
        }
    }

    /// How many times the schedule's change state was advanced (0: never).
    package func changeGeneration(schedule: String) throws -> Int64 {
        try locked { connection in
            try connection.execute("SELECT generation FROM change_definitions WHERE schedule = $1", [schedule])
                .first?["generation"].flatMap(Int64.init) ?? 0
        }
    }

    /// Fingerprints per key, in a dictionary.
    package func changeFingerprints(schedule: String) throws -> [String: String] {
        var result: [String: String] = [:]
        try forEachChangeFingerprint(schedule: schedule) { key, fingerprint in
            result[String(decoding: key, as: UTF8.self)] = fingerprint?.hex ?? ""
        }
        return result
    }

    /// Fingerprints per key, streamed row by row from libpq's buffers.
    package func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws {
        try locked { connection in
            try connection.forEachRow("SELECT key, fingerprint FROM change_fingerprints WHERE schedule = $1", [schedule]) { row in
                try body(row.bytes(0), ChangeFingerprint(hex: row.bytes(1)))
            }
        }
    }

    /// Last seen rows of some keys.
    package func changeRows(schedule: String, keys: [String]) throws -> [String: String] {
        try locked { connection in
            var result: [String: String] = [:]
            for start in stride(from: 0, to: keys.count, by: 1000) {
                let batch = Array(keys[start..<min(start + 1000, keys.count)])
                try connection.forEachRow("SELECT key, rows FROM change_rows WHERE schedule = $1 AND key = ANY($2::text[])",
                                          [schedule, Self.array(batch)]) { row in
                    if let key = row[0], let rows = row[1] { result[key] = rows }
                }
            }
            return result
        }
    }
}
