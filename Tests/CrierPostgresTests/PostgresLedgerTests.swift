import CrierCore
import CrierTestSupport
import Foundation
import Testing
@testable import CrierPostgres

@Test("The PostgreSQL tests run: CRIER_TEST_POSTGRES_URL is set (make test starts a server), or CRIER_TEST_POSTGRES_SKIP=1 says why not")
func postgresIsThere() {
    #expect(TestDatabase.url != nil || TestDatabase.skipped,
            "CRIER_TEST_POSTGRES_URL is not set: run the tests with `make test` or `contrib/test-postgres.sh run swift test`, or set CRIER_TEST_POSTGRES_SKIP=1")
}

@Suite("PostgreSQL ledger", .enabled(if: TestDatabase.available))
struct PostgresLedgerTests {
    let schema = TestDatabase.freshSchema()
    let slot = "2026-11-23T04:00:00Z"

    func item(_ key: String, schedule: String = "s", action: PlanItem.Action = .send, reason: SkipReason? = nil, channel: Channel = .sms) -> PlanItem {
        let recipient = channel == .sms ? "+64211234567" : "a@example.com"
        return PlanItem(id: PlanItem.id(schedule: schedule, key: key, occurrence: "2026-11-24", channel: channel, recipient: recipient),
                        schedule: schedule, slot: Slot(text: slot)!, key: key, occurrence: "2026-11-24", channel: channel,
                        recipient: recipient, action: action, reason: reason, content: .sms(SMSContent(body: "Hi \(key)", segments: 1, encoding: "GSM-7")))
    }

    func plan(_ items: [PlanItem], schedule: String = "s", definitions: [String: String] = [:], updates: [ChangeStateUpdate] = []) -> Plan {
        Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
             schedules: [SlotDecision(schedule: schedule, slot: slot, status: .due)], items: items,
             stateUpdates: updates, definitions: definitions)
    }

    @Test func migratesOnceEvenWhenHostsStartTogether() throws {
        let ledgers = try (0..<4).map { _ in try TestDatabase.ledger(schema) }
        let applied = try ledgers[0].locked { try $0.execute("SELECT count(*) AS n FROM crier_migrations").first?.int("n") }
        #expect(applied == PostgresLedger.migrations.count)
        // Concurrent openers of a fresh schema: every one succeeds, the schema is made once.
        let fresh = TestDatabase.freshSchema()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do { _ = try TestDatabase.ledger(fresh) } catch { failures.add("\(error)") }
        }
        #expect(failures.all.isEmpty)
    }

    @Test func aNewerSchemaIsRefusedByName() throws {
        let ledger = try TestDatabase.ledger(schema)
        try ledger.locked { try $0.execute("INSERT INTO crier_migrations (name) VALUES ('v99-future')") }
        #expect(throws: PostgresError.newerSchema(server: TestDatabase.settings(schema: schema).displayName, migration: "v99-future")) {
            try TestDatabase.ledger(schema)
        }
    }

    @Test func theRunLockIsHeldByOneSessionAndNamesTheHolder() throws {
        var first: PostgresLedger? = try TestDatabase.ledger(schema, command: "run")
        try first?.lockRuns()
        let second = try TestDatabase.ledger(schema)
        do {
            try second.lockRuns()
            Issue.record("a second session took the run lock")
        } catch let PostgresError.held(server, holder) {
            #expect(server.hasSuffix("schema \(schema)"))
            #expect(holder?.hasPrefix("crier run on ") == true)
            #expect(holder?.contains("pid \(getpid())") == true)
        }
        // Another schema is another ledger: its lock is free.
        try TestDatabase.ledger(TestDatabase.freshSchema()).lockRuns()
        first = nil  // the session ends: the server releases the lock at once
        try second.lockRuns()
    }

    @Test func recordsClaimsAndSettlesLikeTheSQLiteLedger() throws {
        let ledger = try TestDatabase.ledger(schema)
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        let first = try ledger.record(plan([item("J1"), item("J2"), item("J3", action: .skip, reason: .invalidAddress)]), runID: run, at: Date())
        #expect(first == RecordResult(pending: 2, skipped: 1, claimed: [ScheduleSlot(schedule: "s", slot: slot)]))
        #expect(try ledger.record(plan([item("J1"), item("J2")]), runID: run, at: Date()) == RecordResult(lost: [ScheduleSlot(schedule: "s", slot: slot)]))
        #expect(try ledger.slotStatus(schedule: "s", slot: slot) == .ran)
        #expect(try ledger.itemStates(ids: [item("J1").id, item("J3").id, "unknown"]) == [item("J1").id: .pending, item("J3").id: .skipped])
        #expect(try ledger.pending().map(\.item) == [item("J1"), item("J2")])
        #expect(try ledger.claim(id: item("J1").id, runID: run, at: Date()))
        #expect(try !ledger.claim(id: item("J1").id, runID: run, at: Date()))
        #expect(try ledger.settle(Settlement(id: item("J1").id, runID: run, state: .sent, providerID: "p1"), thenClaim: item("J2").id, runID: run, at: Date()))
        try ledger.settle(Settlement(id: item("J2").id, runID: run, state: .failed, error: "550 no such user"), at: Date())
        let states = try ledger.itemStates(ids: [item("J1").id, item("J2").id])
        #expect(states == [item("J1").id: .sent, item("J2").id: .failed])
        #expect(try ledger.pending().isEmpty)
        let events = try ledger.locked { try $0.execute("SELECT state FROM item_events WHERE item_id = $1 ORDER BY id", [item("J2").id]).rows.compactMap { $0["state"] } }
        #expect(events == ["pending", "sending", "failed"])
    }

    @Test func aDeadRunsItemIsSettledOnceAndNeverOverAnotherRunsOutcome() throws {
        let dead = try TestDatabase.ledger(schema)
        let deadRun = try dead.beginRun(command: "run", at: Date(), clock: Date())
        _ = try dead.record(plan([item("J1")]), runID: deadRun, at: Date())
        #expect(try dead.claim(id: item("J1").id, runID: deadRun, at: Date()))
        let next = try TestDatabase.ledger(schema)
        _ = try next.beginRun(command: "run", at: Date(), clock: Date())
        let orphans = try next.orphanedSending()
        #expect(orphans.map(\.item.id) == [item("J1").id])
        #expect(orphans.first?.claimedBy == deadRun)
        #expect(try next.settle(Settlement(id: item("J1").id, runID: deadRun, state: .uncertain, error: "a run died"), at: Date()))
        // The first run comes back (its connection survived here): its outcome is refused, not recorded.
        #expect(try !dead.settle(Settlement(id: item("J1").id, runID: deadRun, state: .sent), at: Date()))
        #expect(try next.itemStates(ids: [item("J1").id]) == [item("J1").id: .uncertain])
    }

    @Test func aSlotAnotherHostRecordedFirstKeepsThatHostsItems() throws {
        let a = try TestDatabase.ledger(schema), b = try TestDatabase.ledger(schema)
        let runA = try a.beginRun(command: "run", at: Date(), clock: Date()), runB = try b.beginRun(command: "run", at: Date(), clock: Date())
        // Both planned the slot before either recorded it.
        #expect(try a.slotStatus(schedule: "s", slot: slot) == nil)
        #expect(try b.slotStatus(schedule: "s", slot: slot) == nil)
        #expect(try a.record(plan([item("J1")]), runID: runA, at: Date()).pending == 1)
        let late = try b.record(plan([item("J1"), item("J2")]), runID: runB, at: Date())
        #expect(late == RecordResult(lost: [ScheduleSlot(schedule: "s", slot: slot)]))
        #expect(try b.itemStates(ids: [item("J2").id]).isEmpty)
    }

    @Test func changeStateMovesOnlyFromTheGenerationItsPlanRead() throws {
        let a = try TestDatabase.ledger(schema), b = try TestDatabase.ledger(schema)
        let runA = try a.beginRun(command: "run", at: Date(), clock: Date()), runB = try b.beginRun(command: "run", at: Date(), clock: Date())
        let enter = ChangeStateUpdate(schedule: "c", key: "T1", fingerprint: String(repeating: "a", count: 32), rows: "[]")
        func changePlan(_ slot: String, _ key: String, generation: Int64) -> Plan {
            Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
                 schedules: [SlotDecision(schedule: "c", slot: slot, status: .due)], items: [item(key, schedule: "c")],
                 stateUpdates: [enter], definitions: ["c": "def"], changeGenerations: ["c": generation])
        }
        // Both hosts read the state (no definition yet, generation 0), at different slots.
        #expect(try a.changeGeneration(schedule: "c") == 0)
        #expect(try b.changeGeneration(schedule: "c") == 0)
        #expect(try a.record(changePlan("2026-11-23T04:00:00Z", "T1", generation: 0), runID: runA, at: Date()).pending == 1)
        let late = try b.record(changePlan("2026-11-23T04:05:00Z", "T1-again", generation: 0), runID: runB, at: Date())
        #expect(late == RecordResult(lost: [ScheduleSlot(schedule: "c", slot: "2026-11-23T04:05:00Z")]))
        // The loser's slot is not marked: its next run plans again from the new state.
        #expect(try b.slotStatus(schedule: "c", slot: "2026-11-23T04:05:00Z") == nil)
        #expect(try b.changeDefinition(schedule: "c") == "def")
        #expect(try b.changeFingerprints(schedule: "c") == ["T1": String(repeating: "a", count: 32)])
        // Read again, it records.
        #expect(try b.record(changePlan("2026-11-23T04:05:00Z", "T1-again", generation: 1), runID: runB, at: Date()).lost.isEmpty)
        let generation = try b.locked { try $0.execute("SELECT generation FROM change_definitions WHERE schedule = 'c'").first?.int("generation") }
        #expect(generation == 2)
    }

    @Test func theDailyCapIsCountedInsideTheClaim() throws {
        let ledger = try TestDatabase.ledger(schema)
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        _ = try ledger.record(plan([item("E1", channel: .email), item("E2", channel: .email), item("S1")]), runID: run, at: Date())
        ledger.claimCap = ClaimCap(limit: 1, channels: [.email], since: Date(timeIntervalSinceNow: -3600))
        #expect(try ledger.claim(id: item("E1", channel: .email).id, runID: run, at: Date()))
        #expect(try !ledger.claim(id: item("E2", channel: .email).id, runID: run, at: Date()))
        #expect(try ledger.claim(id: item("S1").id, runID: run, at: Date()))
        #expect(try ledger.dailyCapUsage(channels: [.email], since: Date(timeIntervalSinceNow: -3600)) == 2)
    }

    @Test func parametersAreBoundNeverInterpolated() throws {
        let ledger = try TestDatabase.ledger(schema)
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        let hostile = "J'); DROP TABLE items; --\"{},"
        _ = try ledger.record(plan([item(hostile)]), runID: run, at: Date())
        #expect(try ledger.itemStates(ids: [item(hostile).id]) == [item(hostile).id: .pending])
        #expect(try ledger.changeRows(schedule: "s", keys: [hostile]).isEmpty)
        #expect(try ledger.pending().map(\.item.key) == [hostile])
    }

    @Test func aServerThatIsNotThereIsNamedWithoutTheUserInfo() throws {
        let settings = PostgresLedgerSettings(connection: "postgresql://crier@127.0.0.1:1/crier?connect_timeout=2", schema: "crier", password: nil)
        do {
            _ = try PostgresLedger(settings: settings, password: "s3cret-password", command: "run")
            Issue.record("connected to port 1")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("postgresql://127.0.0.1:1/crier schema crier: error: cannot connect to the PostgreSQL ledger: "))
            #expect(text.contains("Connection refused") || text.contains("connection refused"))
            #expect(!text.contains("s3cret"))
        }
    }
}

/// The PostgreSQL ledger passes the ledger conformance suite, each check in a fresh schema.
@Suite("Ledger conformance: PostgreSQL", .enabled(if: TestDatabase.available))
struct PostgresLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conforms(_ check: LedgerConformance.Check) throws {
        try check.run { PostgresLedgerStorage(settings: TestDatabase.settings(), password: nil, command: "test") }
    }
}

/// Errors gathered from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}
