import Foundation
import Testing
@testable import CrierCore

@Suite("Overdue trigger")
struct OverdueTriggerTests {
    static let schedule = """
        cron: "0 * * * *"
        channel: sms
        template: nag
        trigger:
          overdue: { since: dispatched_at, after: 2 days, repeat: 3 }
        query: |
          SELECT key, dispatched_at, recipient FROM jobs WHERE dispatched_at <= :window_end
        """
    static let template = "Job {{key}} is still open: {{occurrence_ordinal}} of {{repeat}} reminders since {{since.weekday}} {{since.time}}."

    let columns = ["key", "dispatched_at", "recipient"]

    func planner(at: Date, schedule: String = OverdueTriggerTests.schedule) throws -> Planner {
        let (repository, diagnostics) = Fixture.repository(schedules: ["schedules/nag.yaml": schedule],
                                                           templates: ["templates/nag.sms.mustache": Self.template])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return Planner(repository: try #require(repository), at: at, snapshotSHA256: "")
    }

    @Test func hourlyRunsOverTwoWeeksSendEachOccurrenceOnceOnTime() throws {
        let start = Fixture.date("2026-11-02T00:00:00Z")
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-02T09:30:00Z"), .text("0211111111")],
            [.text("J2"), .text("2026-11-03T17:05:00+13:00"), .text("0212222222")],
        ]
        var ledger = MemoryLedgerView()
        var sent: [(key: String, at: Date, body: String)] = []
        for hour in 0..<(14 * 24) {
            let at = start.addingTimeInterval(TimeInterval(hour * 3600))
            var collector = DiagnosticCollector()
            let plan = try planner(at: at).plan(rows: MemoryRows(columns: columns, rows: rows), ledger: ledger, into: &collector)
            #expect(collector.diagnostics.isEmpty)
            for item in plan.items where item.action == .send { sent.append((item.key, at, item.content?.body ?? "")) }
            #expect(!plan.items.contains { $0.reason?.description == "superseded" }, "on-time runs supersede nothing")
            ledger.apply(plan)
        }
        #expect(sent.map(\.key) == ["J1", "J2", "J1", "J2", "J1", "J2"])
        #expect(sent.map { Timestamp.utc($0.at) } == [
            "2026-11-04T10:00:00Z", "2026-11-05T05:00:00Z", "2026-11-06T10:00:00Z",
            "2026-11-07T05:00:00Z", "2026-11-08T10:00:00Z", "2026-11-09T05:00:00Z",
        ])
        #expect(sent[0].body == "Job J1 is still open: 1st of 3 reminders since Monday 22:30.")
        #expect(sent[4].body == "Job J1 is still open: 3rd of 3 reminders since Monday 22:30.")
    }

    @Test func aLateFirstRunSendsOnlyTheLatestDueOccurrence() throws {
        let rows: [[SQLValue]] = [[.text("J1"), .text("2026-11-02T09:30:00Z"), .text("0211111111")]]
        var collector = DiagnosticCollector()
        let plan = try planner(at: Fixture.date("2026-11-08T12:10:00Z"))
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector)
        #expect(plan.items.map(\.reason?.description) == ["superseded", "superseded", nil])
        #expect(plan.items.map(\.occurrence) == ["2026-11-02T09:30:00Z#1", "2026-11-02T09:30:00Z#2", "2026-11-02T09:30:00Z#3"])
        #expect(plan.items.last?.content?.body.contains("3rd of 3") == true)
    }

    @Test func editingAfterOrRepeatDoesNotResend() throws {
        let rows: [[SQLValue]] = [[.text("J1"), .text("2026-11-02T09:30:00Z"), .text("0211111111")]]
        var ledger = MemoryLedgerView()
        var collector = DiagnosticCollector()
        let first = try planner(at: Fixture.date("2026-11-04T10:00:00Z"))
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: ledger, into: &collector)
        #expect(first.sends.count == 1)
        ledger.apply(first)
        // The admin changes 2 days to 47 hours: occurrence 1 is still the one due and already sent.
        let edited = Self.schedule.replacingOccurrences(of: "after: 2 days, repeat: 3", with: "after: 47 hours, repeat: 5")
        let second = try planner(at: Fixture.date("2026-11-04T11:00:00Z"), schedule: edited)
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: ledger, into: &collector)
        #expect(second.sends.isEmpty)
        #expect(second.items.map(\.reason?.description) == ["already-sent"])
    }

    @Test func spansAndOrdinalsParse() {
        #expect(Schedule.parseSpan("2 days") == 172_800)
        #expect(Schedule.parseSpan("36 hours") == 129_600)
        #expect(Schedule.parseSpan("1 week") == 604_800)
        #expect(Schedule.parseSpan("90m") == 5400)
        #expect(Schedule.parseSpan("soon") == nil)
        #expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(OverdueCollector.ordinal) == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"])
    }
}
