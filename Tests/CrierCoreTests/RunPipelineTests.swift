import CrierTestSupport
import Foundation
import Testing
@testable import CrierCore

/// A delivery runtime that delivers through the ledger port as the Dispatcher does (claim,
/// then settle), with a chosen outcome per key and no transport.
final class ScriptedDelivery: Delivery {
    /// How each key's attempt ends (default: sent).
    var outcomes: [String: ItemState] = [:]
    /// What each call found pending, by key.
    private(set) var calls: [[String]] = []

    func deliver(ledger: any Ledger, runID: Int64, gate: any DeliveryGate) throws -> DeliverySummary {
        var summary = DeliverySummary()
        let pending = try ledger.pending()
        calls.append(pending.map(\.item.key))
        for entry in pending {
            switch gate.verdict(for: entry.item, at: RunPipelineTests.now) {
            case .deliver: break
            case .withdraw(let reason):
                if try ledger.withdraw(id: entry.item.id, reason: reason, runID: runID, at: RunPipelineTests.now) { summary.withdrawn += 1 }
                continue
            case .hold: continue
            }
            guard try ledger.claim(id: entry.item.id, runID: runID, at: RunPipelineTests.now) else { continue }
            let state = outcomes[entry.item.key] ?? .sent
            try ledger.settle(Settlement(id: entry.item.id, runID: runID, state: state, error: state == .sent ? nil : "550 refused"),
                              at: RunPipelineTests.now)
            switch state {
            case .sent: summary.sent += 1
            case .failed: summary.failed += 1
            default: summary.leftForRetry += 1
            }
        }
        return summary
    }
}

@Suite("Run pipeline")
struct RunPipelineTests {
    static let now = Fixture.date("2026-11-23T17:00:00+13:00")
    let columns = ["key", "starts_at", "recipient", "name"]
    let rows: [[SQLValue]] = [
        [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Aroha")],
        [.text("J2"), .text("2026-11-24T02:30:00Z"), .text("027 765 4321"), .text("Wiremu")],
        [.text("J3"), .text("2026-11-24T03:30:00Z"), .text("09 123 4567"), .text("Landline")],
    ]

    func repository() throws -> ConfigRepository {
        let (repository, diagnostics) = Fixture.repository()
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return try #require(repository)
    }

    func planner() throws -> Planner {
        Planner(repository: try repository(), at: Self.now, snapshotSHA256: "snap")
    }

    @Test func plansThenRecordsThenDeliversThenFinishesTheRun() throws {
        let storage = MemoryLedgerStorage()
        let delivery = ScriptedDelivery()
        delivery.outcomes = ["J2": .failed]
        let pipeline = RunPipeline(ledger: try storage.openForRun(), delivery: delivery, clock: FixedClock(Self.now))
        let report = try pipeline.run(command: "run", planner: planner(), rows: MemoryRows(columns: columns, rows: rows))
        #expect(report.plan.items.map(\.key) == ["J1", "J2", "J3"])
        #expect(report.recorded.pending == 2)
        #expect(report.recorded.skipped == 1, "J3's landline is recorded as a skip")
        #expect(delivery.calls == [["J1", "J2"]], "delivery found the recorded items pending")
        #expect(storage.writes == ["beginRun run", "record", "claim J1", "settle J1 sent", "claim J2", "settle J2 failed", "finishRun"])
        #expect(storage.runs.map(\.command) == ["run"])
        #expect(storage.runs.first?.outcome == report.outcome)
        #expect(report.outcome == "planned 2 new, sent 1, failed 1, left for retry 0, uncertain 0, daily-cap 0")
    }

    @Test func aFailedRecordDeliversNothing() throws {
        struct DiskFull: Error {}
        let storage = MemoryLedgerStorage()
        storage.recordFailure = DiskFull()
        let delivery = ScriptedDelivery()
        let pipeline = RunPipeline(ledger: try storage.openForRun(), delivery: delivery, clock: FixedClock(Self.now))
        #expect(throws: DiskFull.self) {
            _ = try pipeline.run(command: "run", planner: try planner(), rows: MemoryRows(columns: columns, rows: rows))
        }
        #expect(delivery.calls.isEmpty)
        #expect(storage.writes == ["beginRun run"])
        #expect(try storage.openForReading()?.stateCounts().isEmpty == true, "nothing was recorded")
    }

    @Test func theGateWithdrawsARecipientWhoOptedOutAfterThePlanWasMade() throws {
        var collector = DiagnosticCollector()
        let plan = try planner().plan(rows: MemoryRows(columns: columns, rows: rows), ledger: EmptyLedgerView(), into: &collector)
        let storage = MemoryLedgerStorage()
        try storage.openForWriting().addOptOut("+64277654321", reason: nil, source: .manual, at: Self.now)
        let pipeline = RunPipeline(ledger: try storage.openForRun(), delivery: ScriptedDelivery(), clock: FixedClock(Self.now))
        let report = try pipeline.execute(plan, command: "execute", repository: repository(), rows: MemoryRows(columns: columns, rows: rows))
        #expect(report.summary.withdrawn == 1)
        #expect(storage.writes == ["beginRun execute", "record", "claim J1", "settle J1 sent", "withdraw J2", "finishRun"])
        #expect(try storage.openForReading()?.history(HistoryFilter(key: "J2"), limit: 1).first?.reason == "opted-out")
    }

    @Test func whenOptOutQueryCannotBeReadAtDeliveryItemsWaitAndTheRunNamesTheQuery() throws {
        let (found, problems) = Fixture.repository(config: Fixture.crierYAML + "\nopt_out_query: SELECT address FROM opt_outs\n")
        #expect(problems.isEmpty, "\(problems)")
        let repository = try #require(found)
        var collector = DiagnosticCollector()
        let plan = try planner().plan(rows: MemoryRows(columns: columns, rows: rows), ledger: EmptyLedgerView(), into: &collector)
        let storage = MemoryLedgerStorage()
        let pipeline = RunPipeline(ledger: try storage.openForRun(), delivery: ScriptedDelivery(), clock: FixedClock(Self.now))
        let broken = OptOutTableMissing(base: MemoryRows(columns: columns, rows: rows))
        let report = try pipeline.execute(plan, command: "execute", repository: repository, rows: broken)
        #expect(report.summary.sent == 0)
        #expect(try storage.openForReading()?.stateCounts() == [.pending: 2, .skipped: 1], "nothing sent, nothing dropped: both mobiles wait (the landline was skipped when planned)")
        let named = report.diagnostics.filter { $0.severity == .error }
        #expect(named.count == 1 && named[0].message.contains("\"opt_out_query\"") && named[0].message.contains("no such table: opt_outs"),
                "\(named)")
        #expect(named.first?.location?.file.hasSuffix("crier.yaml") == true && (named.first?.location?.line ?? 0) > 0, "placed at the setting")
    }

    @Test func executeRecordsAndDeliversASavedPlanOnce() throws {
        let storage = MemoryLedgerStorage()
        var collector = DiagnosticCollector()
        let plan = try planner().plan(rows: MemoryRows(columns: columns, rows: rows), ledger: EmptyLedgerView(), into: &collector)
        let delivery = ScriptedDelivery()
        let pipeline = RunPipeline(ledger: try storage.openForRun(), delivery: delivery, clock: FixedClock(Self.now))
        #expect(try pipeline.execute(plan, command: "execute", repository: repository(), rows: MemoryRows(columns: columns, rows: rows)).summary.sent == 2)
        let again = try pipeline.execute(plan, command: "execute", repository: repository(), rows: MemoryRows(columns: columns, rows: rows))
        #expect(again.recorded.lost == [ScheduleSlot(schedule: "reminder", slot: "2026-11-23T04:00:00Z")])
        #expect(again.summary.sent == 0)
        #expect(storage.runs.map(\.command) == ["execute", "execute"])
        #expect(storage.runs.allSatisfy { $0.outcome != nil })
    }
}

/// Snapshot rows of a business system whose opt-out table is gone: `opt_out_query` fails.
struct OptOutTableMissing: RowSource {
    let base: MemoryRows

    func forEachRow(query: String, parameters: [String: SQLValue], _ body: (Row) throws -> Void) throws {
        if query.contains("opt_outs") { throw QueryError(message: "no such table: opt_outs", kind: .unknownName) }
        try base.forEachRow(query: query, parameters: parameters, body)
    }

    func forEachRow(query: String, parameters: [String: SQLValue], columns: [String], _ body: (Row) throws -> Void) throws {
        try forEachRow(query: query, parameters: parameters, body)
    }

    func forEachRow(query: String, parameters: [String: SQLValue], keys: [String], comparedAs comparison: KeyComparison,
                    _ body: (Row) throws -> Void) throws {
        try forEachRow(query: query, parameters: parameters, body)
    }
}
