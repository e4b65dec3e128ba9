import CrierCore
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

    func item(_ key: String, schedule: String = "s", slot: String = "2026-11-23T04:00:00Z", action: PlanItem.Action = .send,
              reason: String? = nil, channel: Channel = .sms) -> PlanItem {
        let recipient = channel == .sms ? "+64211234567" : "a@example.com"
        return PlanItem(id: PlanItem.id(schedule: schedule, key: key, occurrence: "2026-11-24", channel: channel, recipient: recipient),
                        schedule: schedule, slot: slot, key: key, occurrence: "2026-11-24", channel: channel,
                        recipient: recipient, action: action, reason: reason, body: "Hi \(key)", segments: 1, encoding: "GSM-7")
    }

    func plan(_ items: [PlanItem]) -> Plan {
        Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
             schedules: [SlotDecision(schedule: "s", slot: slot, status: .due)], items: items)
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

    @Test func twoHostsRecordingOneSlotAtOnceClaimItOnce() throws {
        // Both hosts planned the slot; their record transactions race on its unique row.
        let hosts = try (0..<2).map { _ in try TestDatabase.ledger(schema) }
        let runs = try hosts.map { try $0.beginRun(command: "run", at: Date(), clock: Date()) }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { host in
            do {
                let items = [item("J1"), item("J\(host + 2)")]
                results.add(try hosts[host].record(plan(items), runID: runs[host], at: Date()))
            } catch { Issue.record("\(error)") }
        }
        #expect(results.all.map(\.claimed.count).sorted() == [0, 1])
        #expect(results.all.map(\.lost.count).sorted() == [0, 1])
        #expect(try hosts[0].stateCounts() == [.pending: 2], "only the winner's items are recorded")
    }

    @Test func changeStateMovesOnlyFromTheGenerationItsPlanReadAcrossHosts() throws {
        let a = try TestDatabase.ledger(schema), b = try TestDatabase.ledger(schema)
        let runA = try a.beginRun(command: "run", at: Date(), clock: Date()), runB = try b.beginRun(command: "run", at: Date(), clock: Date())
        func changePlan(_ slot: String, _ key: String, generation: Int64) -> Plan {
            var plan = Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
                            schedules: [SlotDecision(schedule: "c", slot: slot, status: .due)], items: [item(key, schedule: "c", slot: slot)],
                            stateUpdates: [ChangeStateUpdate(schedule: "c", key: key, fingerprint: String(repeating: "a", count: 32), rows: "[]")],
                            definitions: ["c": "def"])
            plan.changeGenerations = generation == 0 ? [:] : ["c": generation]
            return plan
        }
        // Both hosts read generation 0, at different slots; A records first.
        #expect(try a.changeGeneration(schedule: "c") == 0 && b.changeGeneration(schedule: "c") == 0)
        #expect(try a.record(changePlan("2026-11-23T04:00:00Z", "T1", generation: 0), runID: runA, at: Date()).pending == 1)
        let late = try b.record(changePlan("2026-11-23T04:05:00Z", "T2", generation: 0), runID: runB, at: Date())
        #expect(late.lost == [ScheduleSlot(schedule: "c", slot: "2026-11-23T04:05:00Z")])
        #expect(try b.slotStatus(schedule: "c", slot: "2026-11-23T04:05:00Z") == nil, "the loser's slot stays open")
        #expect(try b.changeFingerprints(schedule: "c").keys.sorted() == ["T1"])
        #expect(try b.record(changePlan("2026-11-23T04:05:00Z", "T2", generation: 1), runID: runB, at: Date()).claimed.count == 1)
        #expect(try a.changeGeneration(schedule: "c") == 2)
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

/// Record results gathered from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [RecordResult] = []
    func add(_ result: RecordResult) { lock.withLock { results.append(result) } }
    var all: [RecordResult] { lock.withLock { results } }
}

/// Errors gathered from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}
