import CrierCore
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

@Suite("Ledger store")
struct LedgerStoreTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "crier-ledger-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func item(_ key: String, action: PlanItem.Action = .send, reason: SkipReason? = nil) -> PlanItem {
        PlanItem(id: PlanItem.id(schedule: "s", key: key, occurrence: "2026-11-24", channel: .sms, recipient: "+64211234567"),
                 schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: key, occurrence: "2026-11-24", channel: .sms,
                 recipient: "+64211234567", action: action, reason: reason, content: .sms(SMSContent(body: "Hi \(key)", segments: 1, encoding: "GSM-7")))
    }

    func plan(_ items: [PlanItem], status: SlotDecision.Status = .due) -> Plan {
        Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
             schedules: [SlotDecision(schedule: "s", slot: "2026-11-23T04:00:00Z", status: status)], items: items)
    }

    @Test func recordsSlotsAndItemsOnceInWALMode() throws {
        let ledger = try LedgerStore(path: directory + "/state/ledger.sqlite")
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        let first = try ledger.record(plan([item("J1"), item("J2"), item("J3", action: .skip, reason: .invalidAddress)]), runID: run, at: Date())
        let slot = ScheduleSlot(schedule: "s", slot: "2026-11-23T04:00:00Z")
        #expect(first == RecordResult(pending: 2, skipped: 1, claimed: [slot]))
        let again = try ledger.record(plan([item("J1"), item("J2")]), runID: run, at: Date())
        #expect(again == RecordResult(lost: [slot]))
        #expect(try ledger.slotStatus(schedule: "s", slot: "2026-11-23T04:00:00Z") == .ran)
        #expect(try ledger.stateCounts() == [.pending: 2, .skipped: 1])
        let mode = try ledger.queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func theStateRuleOfAnOlderLedgerBecomesComparisonsAndStillHolds() throws {
        // A ledger as v11 left it, with an item in it.
        let path = directory + "/v11.sqlite"
        let old = try DatabaseQueue(path: path)
        try LedgerSchema.migrator.migrate(old, upTo: "v11-change-rows-rowid")
        try old.write { db in
            try db.execute(sql: "INSERT INTO runs (id, command, at, started_at, pid) VALUES (1, 'run', 'a', 'a', 1)")
            try db.execute(sql: """
                INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, run_id, created_at, updated_at)
                VALUES ('i1', 's', 'x', 'k', 'o', 'sms', '+64211234567', 'pending', 1, 'a', 'a')
                """)
        }
        let claim = "UPDATE items SET state = 'sending' WHERE id = 'i1' AND state = 'pending'"
        let temporaryIndexes = { (queue: DatabaseQueue) in
            try queue.read { db in try Row.fetchAll(db, sql: "EXPLAIN " + claim).filter { $0["opcode"] == "OpenEphemeral" }.count }
        }
        #expect(try temporaryIndexes(old) == 1, "before: SQLite builds an index of the six states at each claim")
        try old.close()

        let ledger = try LedgerStore(path: path)
        let sql = try ledger.queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'items'") }
        #expect(sql?.contains(LedgerSchema.stateComparisons) == true)
        #expect(sql?.contains(LedgerSchema.stateInList) == false)
        #expect(try temporaryIndexes(ledger.queue) == 0)
        try ledger.queue.write { db in
            try db.execute(sql: claim)
            #expect(db.changesCount == 1, "the item is there, and takes a state of the rule")
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE items SET state = 'lost' WHERE id = 'i1'") }
        }
        let check = try ledger.queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(check == ["ok"])
        // A new ledger gets the same text.
        let fresh = try LedgerStore(path: directory + "/new.sqlite")
        #expect(try fresh.queue.read { db in try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = 'items'") } == sql)
    }

    @Test func skippedItemCanBePlannedAgainButSentOneCannot() throws {
        let ledger = try LedgerStore(path: directory + "/ledger.sqlite")
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        _ = try ledger.record(plan([item("J1", action: .skip, reason: .missingVariable("name"))]), runID: run, at: Date())
        let fixed = try ledger.record(plan([item("J1")], status: .alreadyRun), runID: run, at: Date())
        #expect(fixed.pending == 1)
        #expect(try ledger.itemStates(ids: [item("J1").id]) == [item("J1").id: .pending])
    }

    @Test func claimIsExclusiveAndSettleRecordsTheOutcome() throws {
        let ledger = try LedgerStore(path: directory + "/ledger.sqlite")
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        _ = try ledger.record(plan([item("J1"), item("J2")]), runID: run, at: Date())
        let id = item("J1").id
        #expect(try ledger.claim(id: id, runID: run, at: Date()))
        #expect(try !ledger.claim(id: id, runID: run, at: Date()))
        #expect(try ledger.orphanedSending().map(\.item.id) == [id])
        try ledger.settle(Settlement(id: id, runID: run, state: .sent, providerID: "gw-1"), at: Date())
        #expect(try ledger.pending().map(\.item.key) == ["J2"])
        let history = try ledger.history(HistoryFilter(key: "J1"), limit: 10)
        #expect(history.map(\.state) == ["sent"])
        #expect(history.first?.sentAt != nil)
        // The stored payload round-trips the whole item.
        #expect(try ledger.pending().first?.item == item("J2"))
    }

    @Test func durableRecordsCommitAndTheLedgerGoesBackToNormalSync() throws {
        let ledger = try LedgerStore(path: directory + "/ledger.sqlite")
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        _ = try ledger.record(plan([item("J1"), item("J2")]), runID: run, at: Date())
        let synchronous = { try ledger.queue.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } }
        #expect(try synchronous() == 1, "NORMAL between durable records")
        #expect(try ledger.settle(nil, thenClaim: item("J1").id, runID: run, at: Date()))
        try ledger.markHandedOver(id: item("J1").id, runID: run, at: Date())
        #expect(try synchronous() == 1)
        #expect(try ledger.settle(Settlement(id: item("J1").id, runID: run, state: .sent), thenClaim: item("J2").id, runID: run,
                                  at: Date()))
        #expect(try !ledger.settle(nil, thenClaim: item("J2").id, runID: run, at: Date()), "claimed already")
        #expect(try synchronous() == 1)
        #expect(try ledger.stateCounts() == [.sent: 1, .sending: 1])
        #expect(try ledger.orphanedSending().map(\.item.key) == ["J2"])
    }

    @Test func lockIsExclusiveAndReleasedOnClose() throws {
        let path = directory + "/ledger.sqlite"
        var first: LedgerLock? = try LedgerLock(ledgerPath: path)
        #expect(throws: LedgerLockError.self) { _ = try LedgerLock(ledgerPath: path) }
        first = nil
        _ = first
        let second = try LedgerLock(ledgerPath: path)
        _ = second
    }
}
