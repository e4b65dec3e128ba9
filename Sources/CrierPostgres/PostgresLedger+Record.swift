import CrierCore
import Foundation

/// Recording a plan, and the change trigger's state it carries.
extension PostgresLedger {
    /// Records a plan in one transaction. Each due or missed slot is claimed by inserting its
    /// unique row; a change schedule's state advances only from the generation its plan read
    /// (a conditional UPDATE, which waits for a concurrent writer and then sees its change). A
    /// slot another run recorded first, or a change state another run advanced, is lost: none of
    /// its items, state or slot is written here (a savepoint undoes its part).
    package func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult {
        let now = Timestamp.utc(at)
        return try locked { connection in
            try connection.transaction {
                var result = RecordResult()
                for decision in plan.schedules {
                    let status: SlotStatus
                    switch decision.status {
                    case .due: status = .ran
                    case .missed: status = .missed
                    default: continue
                    }
                    guard let slot = decision.slot else { continue }
                    let claim = ScheduleSlot(schedule: decision.schedule, slot: slot)
                    try connection.execute("SAVEPOINT slot_claim")
                    var claimed = true
                    if let definition = plan.definitions[decision.schedule] {
                        claimed = try advanceGeneration(schedule: decision.schedule, definition: definition,
                                                        from: plan.changeGenerations[decision.schedule, default: 0], at: now, on: connection)
                    }
                    if claimed {
                        claimed = try connection.execute("""
                            INSERT INTO slots (schedule, slot, status, run_id, recorded_at) VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (schedule, slot) DO NOTHING
                            """, [decision.schedule, slot, status.rawValue, "\(runID)", now]).changes == 1
                    }
                    try connection.execute(claimed ? "RELEASE SAVEPOINT slot_claim" : "ROLLBACK TO SAVEPOINT slot_claim")
                    if claimed { result.claimed.append(claim) } else { result.lost.append(claim) }
                }
                let lost = Set(result.lost)
                let lostSchedules = Set(result.lost.map(\.schedule))
                for update in plan.stateUpdates where !lostSchedules.contains(update.schedule) {
                    try recordChangeState(update, at: now, on: connection)
                }
                for item in plan.items where !lost.contains(ScheduleSlot(schedule: item.schedule, slot: item.slot)) {
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
        if item.action == .skip, let reason = item.reason,
           reason == SkipReason.alreadySent.description || reason == SkipReason.alreadyPlanned.description
            || reason == SkipReason.failedEarlier.description {
            return nil
        }
        // Over the daily cap: pending all the same, to go out in a run with room.
        let capped = item.action == .skip && item.reason == SkipReason.dailyCap.description
        let state: ItemState = item.action == .send || capped ? .pending : .skipped
        var stored = item
        if capped {
            stored.action = .send
            stored.reason = nil
        }
        let written = try connection.execute("""
            INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, reason, payload, run_id, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
            ON CONFLICT (id) DO UPDATE SET
              slot = excluded.slot, state = excluded.state, reason = excluded.reason, payload = excluded.payload,
              run_id = excluded.run_id, updated_at = excluded.updated_at
            WHERE items.state = 'skipped'
            """, [item.id, item.schedule, item.slot, item.key, item.occurrence, item.channel.rawValue, item.recipient,
                  state.rawValue, stored.reason, stored.json.compact(), "\(runID)", now])
        guard written.changes == 1 else { return nil }
        try connection.execute("INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES ($1, $2, $3, $4, $5)",
                               [item.id, "\(runID)", now, state.rawValue, capped ? item.reason : stored.reason])
        return state
    }

    /// Records `definition` as generation `generation + 1` of `schedule`, only if the ledger
    /// still holds `generation` (0: none yet); false when another run moved it first.
    private func advanceGeneration(schedule: String, definition: String, from generation: Int64, at now: String,
                                   on connection: PostgresConnection) throws -> Bool {
        guard generation > 0 else {
            return try connection.execute("""
                INSERT INTO change_definitions (schedule, definition, generation, recorded_at) VALUES ($1, $2, 1, $3)
                ON CONFLICT (schedule) DO NOTHING
                """, [schedule, definition, now]).changes == 1
        }
        return try connection.execute("""
            UPDATE change_definitions SET definition = $2, generation = generation + 1, recorded_at = $3
            WHERE schedule = $1 AND generation = $4
            """, [schedule, definition, now, "\(generation)"]).changes == 1
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

    /// How many times `schedule`'s change state was advanced (0: never).
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
