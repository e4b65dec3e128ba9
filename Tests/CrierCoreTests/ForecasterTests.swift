import Foundation
import Testing
@testable import CrierCore

@Suite("Forecaster")
struct ForecasterTests {
    let rows = MemoryRows(columns: ["key", "dispatched_at", "recipient"], rows: [
        [.text("J1"), .text("2026-11-02T09:30:00Z"), .text("0211111111")],
        [.text("J2"), .text("2026-11-03T17:05:00+13:00"), .text("0212222222")],
    ])

    func forecaster(schedules: [String: String] = ["schedules/nag.yaml": OverdueTriggerTests.schedule]) throws -> Forecaster {
        let (repository, diagnostics) = Fixture.repository(schedules: schedules,
                                                           templates: ["templates/nag.sms.mustache": OverdueTriggerTests.template])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        return Forecaster(repository: try #require(repository), snapshotSHA256: "s")
    }

    /// Sends per local date, for the days that have any.
    func sendsByDay(_ forecast: Forecast) -> [String: Int] {
        var result: [String: Int] = [:]
        for day in forecast.days { for entry in day.entries where entry.sends > 0 { result[day.date.description, default: 0] += entry.sends } }
        return result
    }

    @Test func anHourlyOverdueScheduleSendsEachOccurrenceOnceAsHourlyRunsWould() throws {
        var collector = DiagnosticCollector()
        // 2026-11-02 13:00 in Auckland; nine days: 2 to 10 November.
        let forecast = try forecaster().forecast(at: Fixture.date("2026-11-02T00:00:00Z"), days: 9, rows: rows,
                                                 ledger: MemoryLedgerView(), into: &collector)
        #expect(collector.diagnostics.isEmpty)
        #expect(forecast.days.map(\.date.description).first == "2026-11-02")
        #expect(forecast.days.count == 9)
        #expect(Timestamp.utc(forecast.until) == "2026-11-10T11:00:00Z", "midnight after 10 November, NZDT")
        // The same sends as OverdueTriggerTests' two weeks of hourly runs, one a day (local dates).
        #expect(sendsByDay(forecast) == ["2026-11-04": 1, "2026-11-05": 1, "2026-11-06": 1, "2026-11-07": 1, "2026-11-08": 1, "2026-11-09": 1])
        #expect(forecast.totalSends == 6)
        let first = try #require(forecast.days.first?.entries.first)
        #expect(first.schedule == "nag")
        #expect(first.slots == 10, "14:00 to 23:00: the slots after 13:00 on the first day")
        #expect(forecast.days.allSatisfy { $0.entries.allSatisfy { $0.skips.isEmpty } }, "no key is counted twice as skipped")
    }

    @Test func whatTheRealLedgerSentCountsOnceAsAlreadySentAndIsNeverSent() throws {
        let id = PlanItem.id(schedule: "nag", key: "J1", occurrence: "2026-11-02T09:30:00Z#1", channel: .sms, recipient: "+64211111111")
        var ledger = MemoryLedgerView()
        ledger.items[id] = .sent
        var collector = DiagnosticCollector()
        let forecast = try forecaster().forecast(at: Fixture.date("2026-11-02T00:00:00Z"), days: 9, rows: rows, ledger: ledger, into: &collector)
        #expect(forecast.totalSends == 5)
        let skips = forecast.days.flatMap(\.entries).map(\.skips).filter { !$0.isEmpty }
        #expect(skips == [["already-sent": 1]])
        #expect(sendsByDay(forecast)["2026-11-04"] == nil, "J1's first reminder went out already")
    }

    @Test func changeSchedulesSayTheyCannotBeForecastAndTheOthersStillAre() throws {
        let change = """
            cron: "*/5 * * * *"
            channel: sms
            template: nag
            trigger:
              change: { on: [enter] }
            query: SELECT key, dispatched_at, recipient FROM jobs
            """
        var collector = DiagnosticCollector()
        let forecast = try forecaster(schedules: ["schedules/nag.yaml": OverdueTriggerTests.schedule, "schedules/watch.yaml": change])
            .forecast(at: Fixture.date("2026-11-02T00:00:00Z"), days: 3, rows: rows, ledger: MemoryLedgerView(), into: &collector)
        #expect(forecast.schedules.map(\.schedule) == ["nag", "watch"])
        #expect(forecast.schedules.map(\.forecast) == [true, false])
        #expect(forecast.schedules[1].reason?.hasPrefix("cannot be forecast: a change trigger") == true)
        #expect(!forecast.days.flatMap(\.entries).contains { $0.schedule == "watch" })
        let json = forecast.json.rendered()
        #expect(json.hasPrefix("{\n  \"crier_forecast\": 1,\n  \"at\": \"2026-11-02T00:00:00Z\",\n  \"until\": \"2026-11-04T11:00:00Z\","))
        #expect(json == forecast.json.rendered())
    }
}
