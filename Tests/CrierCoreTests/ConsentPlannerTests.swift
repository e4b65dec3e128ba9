import Foundation
import Testing
@testable import CrierCore

/// A memory ledger that also keeps a suppression list and the items skipped for quiet hours.
struct ConsentLedgerView: LedgerView {
    var base = MemoryLedgerView()
    var optOuts: Set<String> = []
    var quiet: [String: (schedule: String, slot: String)] = [:]

    func slotStatus(schedule: String, slot: String) throws -> SlotStatus? { try base.slotStatus(schedule: schedule, slot: slot) }
    func itemStates(ids: [String]) throws -> [String: ItemState] { try base.itemStates(ids: ids) }
    func changeDefinition(schedule: String) throws -> String? { try base.changeDefinition(schedule: schedule) }
    func changeGeneration(schedule: String) throws -> Int64 { try base.changeGeneration(schedule: schedule) }
    func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int { 0 }
    func changeFingerprints(schedule: String) throws -> [String: String] { try base.changeFingerprints(schedule: schedule) }
    func changeRows(schedule: String, keys: [String]) throws -> [String: String] { try base.changeRows(schedule: schedule, keys: keys) }
    func optOutKeys() throws -> Set<String> { optOuts }
    func quietHoursItems(schedule: String, since: String) throws -> [String: String] {
        quiet.filter { $0.value.schedule == schedule && $0.value.slot >= since }.mapValues(\.slot)
    }

    /// Records a plan as the ledger would.
    mutating func apply(_ plan: Plan) {
        base.apply(plan)
        for item in plan.items where !["already-sent", "already-planned", "failed-earlier"].contains(item.reason?.description ?? "") {
            quiet[item.id] = item.reason?.description == "quiet-hours" ? (item.schedule, item.slot.text) : nil
        }
    }
}

@Suite struct ConsentPlannerTests {
    static let config = Fixture.crierYAML + "\nquiet_hours: \"21:00-08:00\"\n"

    /// Plans `schedule` over `rows` at `at`.
    func plan(_ schedule: String, rows: [[SQLValue]], at: String, ledger: ConsentLedgerView,
              config: String = ConsentPlannerTests.config) throws -> (Plan, [Diagnostic]) {
        let (repository, diagnostics) = Fixture.repository(config: config, schedules: ["schedules/reminder.yaml": schedule])
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        let source = MemoryRows(columns: ["key", "starts_at", "recipient", "name"], rows: rows)
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: Fixture.date(at), snapshotSHA256: "snap")
        return (planner.plan(rows: source, ledger: ledger, into: &collector), collector.diagnostics)
    }

    static let tomorrow: [[SQLValue]] = [
        [.text("J1"), .text("2026-11-25T09:00:00+13:00"), .text("021 100 0000"), .text("Aroha")],
        [.text("J2"), .text("2026-11-25T10:00:00+13:00"), .text("021 100 0001"), .text("Ben")],
    ]

    @Test func optedOutRecipientsAreSkipped() throws {
        var ledger = ConsentLedgerView()
        ledger.optOuts = ["+64211000001"]
        let (plan, _) = try plan(Fixture.reminderSchedule, rows: Self.tomorrow, at: "2026-11-24T17:00:00+13:00", ledger: ledger)
        #expect(plan.items.map(\.action) == [.send, .skip])
        #expect(plan.items[1].reason?.description == "opted-out")
    }

    @Test func optOutQueryWithoutAddressColumnStopsEverySchedule() throws {
        let config = Fixture.crierYAML + "\nopt_out_query: SELECT recipient FROM contacts WHERE opted_out = 1\n"
        let (plan, diagnostics) = try plan(Fixture.reminderSchedule, rows: Self.tomorrow, at: "2026-11-24T17:00:00+13:00",
                                           ledger: ConsentLedgerView(), config: config)
        #expect(plan.items.isEmpty)
        #expect(plan.schedules.map(\.status) == [.failed])
        #expect(diagnostics.map(\.description).contains {
            $0.hasPrefix("crier.yaml:8:16: error: \"opt_out_query\" has no column \"address\" (it has \"key\", \"starts_at\", \"recipient\", \"name\")")
        })
    }

    @Test func optOutQueryAddressesAreSkipped() throws {
        let config = Fixture.crierYAML + "\nopt_out_query: SELECT sms AS address FROM contacts WHERE opted_out = 1\n"
        let (repository, _) = Fixture.repository(config: config)
        // MemoryRows answers every query with the same rows: the opt-out query reads `address`.
        let source = MemoryRows(columns: ["key", "starts_at", "recipient", "name", "address"],
                                rows: Self.tomorrow.map { $0 + [$0[0] == .text("J2") ? .text("0211000001") : .null] })
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: Fixture.date("2026-11-24T17:00:00+13:00"), snapshotSHA256: "snap")
        let plan = planner.plan(rows: source, ledger: ConsentLedgerView(), into: &collector)
        #expect(plan.items.map(\.reason?.description) == [nil, "opted-out"])
    }

    @Test func smsInsideQuietHoursWaitsAndGoesOutAtTheNextSlot() throws {
        let hourly = Fixture.reminderSchedule.replacingOccurrences(of: "0 17 * * *", with: "0 * * * *")
        var ledger = ConsentLedgerView()
        let (late, _) = try plan(hourly, rows: Self.tomorrow, at: "2026-11-24T21:00:00+13:00", ledger: ledger)
        #expect(late.items.map(\.reason?.description) == ["quiet-hours", "quiet-hours"])
        ledger.apply(late)
        // Same occurrence (tomorrow) at the 22:00 slot: still quiet.
        let (night, _) = try plan(hourly, rows: Self.tomorrow, at: "2026-11-24T22:00:00+13:00", ledger: ledger)
        #expect(night.items.map(\.reason?.description) == ["quiet-hours", "quiet-hours"])
        ledger.apply(night)
        // 08:00 next day: the window moved on to the 26th, so the deferred items are re-planned at their slot.
        let (morning, _) = try plan(hourly, rows: Self.tomorrow, at: "2026-11-25T08:00:00+13:00", ledger: ledger)
        let sent = morning.items.filter { $0.action == .send }
        #expect(sent.map(\.key) == ["J1", "J2"])
        #expect(sent.allSatisfy { $0.slot.text == "2026-11-24T09:00:00Z" })
        ledger.apply(morning)
        let (later, _) = try plan(hourly, rows: Self.tomorrow, at: "2026-11-25T09:00:00+13:00", ledger: ledger)
        #expect(later.items.filter { $0.action == .send }.isEmpty)
    }

    @Test func emailIsNotHeldByQuietHours() throws {
        let (repository, _) = Fixture.repository(config: Self.config)
        let repo = try #require(repository)
        var schedule = repo.schedules[0]
        let rules = ConsentRules(optedOut: [], at: Fixture.date("2026-11-24T23:00:00+13:00"))
        #expect(rules.isQuiet(schedule, config: repo.config))
        // A `channel` column may give an email schedule SMS rows: the hour is quiet for those, never for its email.
        schedule.channel = .email
        #expect(rules.isQuiet(schedule, config: repo.config))
        var items = [PlanItem(id: "e", schedule: "reminder", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: "J1", occurrence: "", channel: .email,
                              recipient: "a@example.org", action: .send)]
        rules.apply(to: &items, quiet: true)
        #expect(items[0].action == .send)
    }

    @Test func aDeferredReminderWhoseEventStartedIsNeverSent() throws {
        let morning = Fixture.reminderSchedule.replacingOccurrences(of: "0 17 * * *", with: "0 7 * * *")
            .replacingOccurrences(of: "interval: 1 day", with: "interval: today")
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T07:30:00+13:00"), .text("021 100 0000"), .text("Aroha")],
            [.text("J2"), .text("2026-11-24T10:00:00+13:00"), .text("021 100 0001"), .text("Ben")],
        ]
        var ledger = ConsentLedgerView()
        let (first, _) = try plan(morning, rows: rows, at: "2026-11-24T07:00:00+13:00", ledger: ledger)
        #expect(first.items.map(\.reason?.description) == ["quiet-hours", "quiet-hours"])
        ledger.apply(first)
        let (second, _) = try plan(morning, rows: rows, at: "2026-11-24T08:00:00+13:00", ledger: ledger)
        #expect(second.schedules.map(\.status) == [.alreadyRun])
        #expect(second.items.map(\.key) == ["J1", "J2"])
        #expect(second.items.map(\.action) == [.skip, .send])
        #expect(second.items[0].reason?.description == "event-started")
        ledger.apply(second)
        let (third, _) = try plan(morning, rows: rows, at: "2026-11-24T09:00:00+13:00", ledger: ledger)
        #expect(third.items.isEmpty)
    }

    @Test func aDeferredItemOptedOutMeanwhileIsSkipped() throws {
        let morning = Fixture.reminderSchedule.replacingOccurrences(of: "0 17 * * *", with: "0 7 * * *")
        var ledger = ConsentLedgerView()
        let (first, _) = try plan(morning, rows: Self.tomorrow, at: "2026-11-24T07:00:00+13:00", ledger: ledger)
        ledger.apply(first)
        ledger.optOuts = ["+64211000000"]
        let (second, _) = try plan(morning, rows: Self.tomorrow, at: "2026-11-24T08:05:00+13:00", ledger: ledger)
        #expect(second.items.map(\.reason?.description) == ["opted-out", nil])
    }
}
