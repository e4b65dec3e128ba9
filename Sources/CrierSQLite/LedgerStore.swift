import CrierCore
import Foundation
import GRDB

/// The run ledger in a SQLite file (WAL mode): records slots and items, moves items
/// pending → sending → sent | failed, and answers history questions. Opened through
/// `LedgerFile`; its schema is `LedgerSchema`'s.
package final class LedgerStore: Ledger {
    /// The ledger's path.
    package let path: String
    let queue: DatabaseQueue
    /// The run lock, when opened for a run: held as long as the store lives.
    private let lock: LedgerLock?
    /// Puts the hand-over marks on disk (the WAL file synced, shared by the workers asking at once).
    private let walSync: WALSync
    /// The items this store recorded pending, as it recorded them: delivery takes them from here
    /// instead of reading their payloads back and decoding them.
    private let recorded = RecordedItems()

    /// Opens (creating when absent, with its folder) the ledger at `path` for writing and
    /// migrates it. Without `lock`, only for a ledger no run can be using (tests, a fresh file).
    package init(path: String, lock: LedgerLock? = nil) throws {
        self.path = path
        self.lock = lock
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try LedgerFileAccess.prepareForWriting(path)
        queue = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: false))
        let mode = try queue.writeWithoutTransaction { db in
            // The smallest pages SQLite has, for a new ledger (a no-op on an existing one): every
            // delivery step commits a handful of pages (the item's row, an index entry or two), so
            // their size is what each message costs in writes (docs/benchmarks.md, "Ledger writes
            // per item": 512-byte pages write a third less than 1 KiB ones).
            try db.execute(sql: "PRAGMA page_size = 512")
            return try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        // Readers beside a run and the hand-over marks' sync (`WALSync`) need the write-ahead log.
        guard mode?.lowercased() == "wal" else {
            throw LedgerError.cannotOpen(location: path, reason: "SQLite cannot keep a write-ahead log for it here (journal mode \(mode ?? "unknown")); "
                                         + "put the ledger on a local file system")
        }
        walSync = WALSync(walPath: path + "-wal")
        if try queue.read(LedgerSchema.version(of:)) == .newer { throw LedgerError.newerSchema(location: path) }
        if try !queue.read(LedgerSchema.migrator.hasCompletedMigrations) {
            // On a connection of its own whose temporary files go to disk: a migration that
            // rebuilds a table drops the old one, and SQLite journals every page it frees (the
            // statement journal); in the main connection's in-memory temporary storage that took
            // 600 MB for a million change keys (`v11-change-rows-rowid`; about a minute, once).
            let migrating = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: false, cacheKiB: 65536, temporaryFiles: true))
            try LedgerSchema.migrator.migrate(migrating)
        }
    }

    /// Opens the existing ledger at `path` read-only, as it is: no migration.
    init(readingOnly path: String) throws {
        self.path = path
        lock = nil
        walSync = WALSync(walPath: path + "-wal")
        queue = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: true))
    }

    /// `cacheKiB`: a page cache of that size instead of SQLite's 2 MiB; `temporaryFiles`: SQLite's
    /// temporary storage in files instead of memory.
    private static func configuration(readOnly: Bool, cacheKiB: Int? = nil, temporaryFiles: Bool = false) -> Configuration {
        var configuration = Configuration()
        configuration.label = "ledger"
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(30)
        if !readOnly {
            // A longer WAL between checkpoints rewrites the same pages less often. SQLite's default
            // page cache (2 MiB): each commit walks the cache's hash table, so a large cache (it
            // was 32 MiB) cost more CPU per delivery than re-reading pages from the OS saves
            // (docs/benchmarks.md, "Ledger writes per item").
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA temp_store = \(temporaryFiles ? "FILE" : "MEMORY"); PRAGMA wal_autocheckpoint = 8192")
                if let cacheKiB { try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)") }
            }
        }
        return configuration
    }

    // MARK: LedgerView

    /// How a slot was recorded.
    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? {
        try queue.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM slots WHERE schedule = ? AND slot = ?", arguments: [schedule, slot])
                .flatMap(SlotStatus.init(rawValue:))
        }
    }

    /// States of the given ids, looked up in batches.
    package func itemStates(ids: [String]) throws -> [String: ItemState] {
        try queue.read { db in
            var states: [String: ItemState] = [:]
            var start = 0
            while start < ids.count {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                start += 500
                let marks = Array(repeating: "?", count: batch.count).joined(separator: ",")
                let rows = try GRDB.Row.fetchCursor(db, sql: "SELECT id, state FROM items WHERE id IN (\(marks))",
                                                    arguments: StatementArguments(batch))
                while let row = try rows.next() {
                    if let state = ItemState(rawValue: row["state"]) { states[row["id"]] = state }
                }
            }
            return states
        }
    }

    // MARK: Ledger

    /// Opens a run record.
    package func beginRun(command: String, at: Date, clock: Date) throws -> Int64 {
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (command, at, started_at, pid) VALUES (?, ?, ?, ?)",
                           arguments: [command, Timestamp.utc(at), Timestamp.utc(clock), Int(getpid())])
            return db.lastInsertedRowID
        }
    }

    /// Records a plan's slots, change state and items in one (immediate) transaction.
    package func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult {
        let now = Timestamp.utc(at)
        var result = RecordResult()
        var written: [PlanItem] = []
        // On a connection of its own, closed afterwards, whose page cache (64 MiB at most) holds
        // the whole transaction: with the 2 MiB one, SQLite wrote pages to the WAL before the
        // commit and read them back (10,000 emails: 246,000 reads and 285,000 writes in a
        // run, against 74,000 and 171,000). Delivery's commits keep the small cache of the
        // main connection: a cache grown this large stays costly to walk at every commit.
        let bulk = try DatabaseQueue(path: path, configuration: Self.configuration(readOnly: false, cacheKiB: 65536))
        try bulk.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                result = try Self.record(plan, runID: runID, now: now, in: db) { written.append($0) }
                return .commit
            }
        }
        recorded.add(written)
        return result
    }

    /// Records `plan` in `db`'s transaction; `wrote` is told of each item recorded pending.
    private static func record(_ plan: Plan, runID: Int64, now: String, in db: Database, wrote: (PlanItem) -> Void) throws -> RecordResult {
        var result = RecordResult()
        for (claim, status) in plan.slotRecords {
            // A change schedule whose state moved on since the plan read it: its diff is stale.
            let stale = try plan.definitions[claim.schedule] != nil
                && changeGeneration(claim.schedule, in: db) != plan.changeGenerations[claim.schedule, default: 0]
            if !stale {
                try db.execute(sql: """
                    INSERT INTO slots (schedule, slot, status, run_id, recorded_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (schedule, slot) DO NOTHING
                    """, arguments: [claim.schedule, claim.slot, status.rawValue, runID, now])
            }
            if stale || db.changesCount != 1 {
                result.lost.append(claim)
            } else {
                result.claimed.append(claim)
            }
        }
        let lost = Set(result.lost)
        let lostSchedules = Set(result.lost.map(\.schedule))
        try recordChangeState(plan, except: lostSchedules, in: db, at: now)
        let upsert = try db.makeStatement(sql: """
            INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, reason, run_id, created_at, updated_at, event_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
              slot = excluded.slot, state = excluded.state, reason = excluded.reason,
              run_id = excluded.run_id, updated_at = excluded.updated_at, event_at = excluded.event_at
            WHERE items.state = 'skipped'
            """)
        let content = try db.makeStatement(sql: """
            INSERT INTO item_payloads (id, payload) VALUES (?, ?)
            ON CONFLICT (id) DO UPDATE SET payload = excluded.payload
            """)
        let event = try db.makeStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, ?, ?)")
        let items = plan.items.filter { item in
            !lost.contains(ScheduleSlot(schedule: item.schedule, slot: item.slot.text))
                && !(item.action == .skip && item.reason?.reportsLedger == true)
        }
        let payloads = PayloadsAhead(items)
        for (index, item) in items.enumerated() {
            // Sent and held items wait to be delivered; only a skip keeps its reason.
            let state: ItemState = item.action == .skip ? .skipped : .pending
            let reason = item.action == .skip ? item.reason?.description : nil
            try upsert.execute(arguments: [item.id, item.schedule, item.slot.text, item.key, item.occurrence.text, item.channel.rawValue,
                                           item.recipient, state.rawValue, reason, runID, now, now, item.eventAt.map(Timestamp.utc)])
            guard db.changesCount > 0 else { continue }
            try content.execute(arguments: [item.id, payloads.payload(index)])
            try event.execute(arguments: [item.id, runID, now, state.rawValue, item.reason?.description])
            if state == .pending {
                result.pending += 1
                wrote(item)
            } else {
                result.skipped += 1
            }
        }
        return result
    }

    /// Items a dead run left in `sending`, each with whether its message was being handed over
    /// (a `handed-over` event after its last `sending` one). This run holds the lock; items
    /// claimed by a run whose process is still alive on this machine are left alone all the same.
    package func orphanedSending() throws -> [LedgerItem] {
        let rows = try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: """
                SELECT items.*, item_payloads.payload, runs.pid AS claimer_pid, items.handed_over_at IS NOT NULL AS handed_over
                FROM items JOIN item_payloads USING (id) LEFT JOIN runs ON runs.id = items.claimed_by
                WHERE items.state IN ('pending', 'sending') AND items.state = 'sending'
                ORDER BY items.created_at, items.schedule, items.key, items.recipient
                """)
        }
        return try rows.filter { row in
            guard let pid: Int32 = row["claimer_pid"] else { return true }
            return pid == getpid() || !ProcessLiveness.isCrier(pid: pid)
        }.map { row in
            var item = try Self.ledgerItem(row)
            item.handedOver = row["handed_over"]
            return item
        }
    }

    /// Records the hand-over of `id`'s message on its row, while `runID` holds it (one page), and
    /// returns once it is on disk with every commit before it (the previous item's outcome too).
    package func markHandedOver(id: String, runID: Int64, at: Date) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "UPDATE items SET handed_over_at = ? WHERE id = ? AND state = 'sending' AND claimed_by = ?")
                .execute(arguments: [Timestamp.utc(at), id, runID])
        }
        try walSync.syncCommitted()
    }

    /// Pending items in plan order.
    package func pending() throws -> [LedgerItem] {
        try items(sql: """
            SELECT items.*, item_payloads.payload FROM items JOIN item_payloads USING (id)
            WHERE items.state IN ('pending', 'sending') AND items.state = 'pending'
            ORDER BY items.created_at, items.schedule, items.key, items.recipient, items.id
            """)
    }

    /// The pending items' ids in plan order.
    package func pendingIDs() throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM items WHERE state IN ('pending', 'sending') AND state = 'pending'
                ORDER BY created_at, schedule, key, recipient, id
                """)
        }
    }

    /// Those of `ids` still pending, in the order given. The items this store recorded are not
    /// read back: their rows say whether they are still pending, the items are the ones recorded.
    package func pending(ids: [String]) throws -> [LedgerItem] {
        guard !ids.isEmpty else { return [] }
        let known = recorded.items(ids)
        let unknown = known.isEmpty ? ids : ids.filter { known[$0] == nil }
        var found: [LedgerItem] = []
        if !unknown.isEmpty {
            let marks = Array(repeating: "?", count: unknown.count).joined(separator: ",")
            found = try items(sql: """
                SELECT items.*, item_payloads.payload FROM items JOIN item_payloads USING (id)
                WHERE items.id IN (\(marks)) AND items.state = 'pending'
                """, arguments: StatementArguments(unknown))
        }
        if !known.isEmpty {
            let marks = Array(repeating: "?", count: known.count).joined(separator: ",")
            try queue.read { db in
                let rows = try GRDB.Row.fetchCursor(db, sql: """
                    SELECT id, attempts, last_error, claimed_by FROM items WHERE id IN (\(marks)) AND state = 'pending'
                    """, arguments: StatementArguments(Array(known.keys)))
                while let row = try rows.next() {
                    guard let item = known[row["id"]] else { continue }
                    found.append(LedgerItem(item: item, state: .pending, attempts: row["attempts"], lastError: row["last_error"],
                                            claimedBy: row["claimed_by"]))
                }
            }
        }
        return found.ordered(by: ids)
    }

    /// pending → sending, only if still pending.
    package func claim(id: String, runID: Int64, at: Date) throws -> Bool {
        try queue.write { db in try Self.claim(id: id, runID: runID, at: Timestamp.utc(at), in: db) }
    }

    /// Records how an attempt ended, if the item is still this run's.
    @discardableResult
    package func settle(_ settlement: Settlement, at: Date) throws -> Bool {
        try queue.write { db in try Self.settle(settlement, at: Timestamp.utc(at), in: db) }
    }

    /// Records `settlement` and claims `id` in one transaction.
    package func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            if let settlement { _ = try Self.settle(settlement, at: now, in: db) }
            return try Self.claim(id: id, runID: runID, at: now, in: db)
        }
    }

    /// Records `settlement`, claims `id` and marks its hand-over in one commit, then syncs the
    /// WAL: one transaction a delivered message instead of the claim's and the mark's.
    package func settle(_ settlement: Settlement?, thenHandOver id: String, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        let claimed = try queue.write { db in
            if let settlement { _ = try Self.settle(settlement, at: now, in: db) }
            return try Self.claim(id: id, runID: runID, at: now, handedOver: true, in: db)
        }
        if claimed { try walSync.syncCommitted() }
        return claimed
    }

    /// Notes `error` on those of `ids` still pending, each with an event, in one transaction.
    @discardableResult
    package func leavePending(ids: [String], error: String, runID: Int64, at: Date) throws -> Int {
        let (now, text) = (Timestamp.utc(at), Redaction.redact(error))
        return try queue.write { db in
            let note = try db.cachedStatement(sql: "UPDATE items SET last_error = ?, updated_at = ? WHERE id = ? AND state = 'pending'")
            let event = try db.cachedStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, 'pending', ?)")
            var noted = 0
            for id in ids {
                try note.execute(arguments: [text, now, id])
                guard db.changesCount == 1 else { continue }
                try event.execute(arguments: [id, runID, now, text])
                noted += 1
            }
            return noted
        }
    }

    /// pending → skipped with `reason`.
    @discardableResult
    package func withdraw(id: String, reason: SkipReason, runID: Int64, at: Date) throws -> Bool {
        let now = Timestamp.utc(at)
        return try queue.write { db in
            try db.execute(sql: "UPDATE items SET state = 'skipped', reason = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                           arguments: [reason.description, now, id])
            guard db.changesCount == 1 else { return false }
            try db.execute(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, 'skipped', ?)",
                           arguments: [id, runID, now, reason.description])
            return true
        }
    }

    /// pending → sending; `handedOver` marks the hand-over in the same update.
    private static func claim(id: String, runID: Int64, at now: String, handedOver: Bool = false, in db: Database) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE items SET state = 'sending', claimed_by = ?, attempts = attempts + 1, updated_at = ?, handed_over_at = ?
            WHERE id = ? AND state = 'pending'
            """).execute(arguments: [runID, now, handedOver ? now : nil, id])
        // The row says who claimed it when: no event row on the happy path.
        return db.changesCount == 1
    }

    private static func settle(_ settlement: Settlement, at now: String, in db: Database) throws -> Bool {
        let state = settlement.state.rawValue
        // The last line of defence: transports mask their texts already.
        let error = settlement.error.map(Redaction.redact)
        try db.cachedStatement(sql: """
            UPDATE items SET state = ?, last_error = ?, provider_id = COALESCE(?, provider_id), updated_at = ?,
              sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END
            WHERE id = ? AND state = 'sending' AND claimed_by = ?
            """).execute(arguments: [state, error, settlement.providerID, now, state, now, settlement.id, settlement.runID])
        guard db.changesCount == 1 else { return false }
        // A sent item's row holds all there is to say (attempts, handed_over_at, sent_at). An attempt
        // that ends any other way becomes events: its hand-over, if there was one, then how it ended.
        if settlement.state != .sent {
            try db.cachedStatement(sql: """
                INSERT INTO item_events (item_id, run_id, at, state)
                SELECT id, claimed_by, handed_over_at, 'handed-over' FROM items WHERE id = ? AND handed_over_at IS NOT NULL
                """).execute(arguments: [settlement.id])
            try db.cachedStatement(sql: "INSERT INTO item_events (item_id, run_id, at, state, detail) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [settlement.id, settlement.runID, now, state, error])
        }
        return true
    }

    /// Closes a run record.
    package func finishRun(_ runID: Int64, outcome: String, at: Date) throws {
        try queue.write { db in
            try db.execute(sql: "UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?", arguments: [Timestamp.utc(at), outcome, runID])
        }
    }

    private func items(sql: String, arguments: StatementArguments = StatementArguments()) throws -> [LedgerItem] {
        try queue.read { db in
            try GRDB.Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.ledgerItem)
        }
    }

    static func ledgerItem(_ row: GRDB.Row) throws -> LedgerItem {
        // `RecordedItems.add` gives the items it keeps the same event time as this.
        let id: String = row["id"]
        var item = try JSONDecoder().decode(PlanItem.self, from: PayloadCodec.unpack(row["payload"], id: id))
        item.eventAt = (row["event_at"] as String?).flatMap(Timestamp.parseISO)
        return LedgerItem(item: item, state: ItemState(rawValue: row["state"]) ?? .pending,
                          attempts: row["attempts"], lastError: row["last_error"], claimedBy: row["claimed_by"])
    }
}

/// The items a store recorded pending, by id, each as reading its row back would give it (its
/// event time to the second, as the row keeps it). The plan holds the same items: keeping them
/// costs references, not copies.
private final class RecordedItems: @unchecked Sendable {
    private var items: [String: PlanItem] = [:]
    private let lock = NSLock()

    func add(_ written: [PlanItem]) {
        guard !written.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        items.reserveCapacity(items.count + written.count)
        for var item in written {
            item.eventAt = item.eventAt.map(Timestamp.utc).flatMap(Timestamp.parseISO)
            items[item.id] = item
        }
    }

    /// Those of `ids` recorded here.
    func items(_ ids: [String]) -> [String: PlanItem] {
        lock.lock()
        defer { lock.unlock() }
        guard !items.isEmpty else { return [:] }
        var found: [String: PlanItem] = [:]
        for id in ids { if let item = items[id] { found[id] = item } }
        return found
    }
}
