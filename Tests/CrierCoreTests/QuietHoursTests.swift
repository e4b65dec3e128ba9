import Foundation
import Testing
@testable import CrierCore

@Suite struct QuietHoursTests {
    let auckland = TimeZone(identifier: "Pacific/Auckland")!

    @Test func parsesASpanAcrossMidnight() throws {
        let hours = try #require(QuietHours.parse("21:00-08:00"))
        #expect(hours.startMinute == 21 * 60 && hours.endMinute == 8 * 60)
        #expect(hours.description == "21:00-08:00")
    }

    @Test func refusesJunkAndEmptySpans() {
        for text in ["21-08", "21:00", "25:00-08:00", "21:00-08:60", "08:00-08:00", "", "9pm-8am"] {
            #expect(QuietHours.parse(text) == nil, "\(text)")
        }
        #expect(QuietHours.parse("none")?.isNone == true)
    }

    @Test func startIsInsideAndEndIsOutside() throws {
        let hours = try #require(QuietHours.parse("21:00-08:00"))
        // 2026-11-24 is NZDT (+13).
        #expect(hours.contains(Timestamp.parseISO("2026-11-24T21:00:00+13:00")!, in: auckland))
        #expect(hours.contains(Timestamp.parseISO("2026-11-24T03:00:00+13:00")!, in: auckland))
        #expect(hours.contains(Timestamp.parseISO("2026-11-24T07:59:00+13:00")!, in: auckland))
        #expect(!hours.contains(Timestamp.parseISO("2026-11-24T08:00:00+13:00")!, in: auckland))
        #expect(!hours.contains(Timestamp.parseISO("2026-11-24T20:59:00+13:00")!, in: auckland))
    }

    @Test func aDaytimeSpan() throws {
        let hours = try #require(QuietHours.parse("12:00-13:30"))
        #expect(hours.contains(Timestamp.parseISO("2026-11-24T13:29:00+13:00")!, in: auckland))
        #expect(!hours.contains(Timestamp.parseISO("2026-11-24T13:30:00+13:00")!, in: auckland))
        #expect(!QuietHours.none.contains(Date(), in: auckland))
    }

    @Test func firstSlotInsideTheQuietHoursWhateverTheCronsFrequency() throws {
        let hours = try #require(QuietHours.parse("21:00-08:00"))
        func first(_ cron: String, after: String) throws -> String? {
            let start = try #require(Timestamp.parseISO(after))
            return hours.firstSlot(of: try CronExpression(parsing: cron), after: start, before: start.addingTimeInterval(8 * 86400), in: auckland)
                .map { Timestamp.local($0, in: auckland) }
        }
        // 2026-11-24 is a Tuesday (NZDT, +13).
        #expect(try first("* * * * *", after: "2026-11-24T09:00:00+13:00") == "2026-11-24T21:00:00+13:00")
        #expect(try first("*/2 * * * *", after: "2026-11-24T08:00:00+13:00") == "2026-11-24T21:00:00+13:00")
        #expect(try first("0 * * * *", after: "2026-11-24T22:30:00+13:00") == "2026-11-24T23:00:00+13:00")
        #expect(try first("0 22 * * 1", after: "2026-11-24T09:00:00+13:00") == "2026-11-30T22:00:00+13:00")
        #expect(try first("0 22 1 1 *", after: "2026-11-24T09:00:00+13:00") == nil)
        #expect(try first("*/5 8-20 * * *", after: "2026-11-24T09:00:00+13:00") == nil)
        #expect(QuietHours.none.firstSlot(of: try CronExpression(parsing: "* * * * *"), after: Date(), before: .distantFuture, in: auckland) == nil)
    }

    @Test func badConfigValueIsLocated() {
        let (_, diagnostics) = Fixture.repository(config: Fixture.crierYAML + "\nquiet_hours: 9pm-8am\n")
        let text = diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("crier.yaml:8:14: error: \"quiet_hours\" must be a span of the 24-hour clock such as \"21:00-08:00\" (or none), not \"9pm-8am\""))
    }

    @Test func scheduleWinsOverConfig() throws {
        let (repository, diagnostics) = Fixture.repository(
            config: Fixture.crierYAML + "\nquiet_hours: \"21:00-08:00\"\n",
            schedules: ["schedules/reminder.yaml": "quiet_hours: none\n" + Fixture.reminderSchedule])
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        let repo = try #require(repository)
        #expect(repo.config.quietHours == QuietHours.parse("21:00-08:00"))
        #expect(ConsentRules.quietHours(of: repo.schedules[0], config: repo.config) == nil)
    }
}
