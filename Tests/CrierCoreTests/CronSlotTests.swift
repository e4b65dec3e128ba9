import Foundation
import Testing
@testable import CrierCore

/// The instant named by an ISO 8601 text of the form `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`.
private func at(_ text: String) -> Date {
    let characters = Array(text)
    guard characters.count >= 20,
          let date = LocalDate(parsing: String(characters[0..<10])),
          let hour = Int(String(characters[11..<13])),
          let minute = Int(String(characters[14..<16])),
          let second = Int(String(characters[17..<19]))
    else { fatalError("bad test instant \(text)") }
    var offset = 0
    if characters[19] != "Z" {
        guard let offsetHours = Int(String(characters[20..<22])), let offsetMinutes = Int(String(characters[23..<25]))
        else { fatalError("bad test offset \(text)") }
        offset = (offsetHours * 3600 + offsetMinutes * 60) * (characters[19] == "-" ? -1 : 1)
    }
    let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
    return Date(timeIntervalSince1970: TimeInterval(seconds))
}

/// The time zone with identifier `identifier`.
private func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("no time zone \(identifier)") }
    return zone
}

/// Parses a cron expression known to be valid.
private func cron(_ text: String) throws -> CronExpression {
    try CronExpression(parsing: text)
}

private let auckland = zone("Pacific/Auckland")
private let newYork = zone("America/New_York")
private let utc = zone("UTC")

/// Slot search before and after an instant, across DST transitions and calendar boundaries.
@Suite("CronExpression slot search")
struct CronSlotTests {
    /// The ISO 8601 helper used by these tests reads offsets correctly.
    @Test func testInstantHelper() {
        #expect(at("2026-09-27T03:00:00+13:00") == at("2026-09-26T14:00:00Z"))
        #expect(at("1970-01-01T00:00:10Z").timeIntervalSince1970 == 10)
        #expect(at("2026-03-08T02:00:00-05:00") == at("2026-03-08T07:00:00Z"))
    }

    /// A daily time inside the spring-forward gap fires once, at the transition.
    @Test func dailyInDstGapFiresAtTheTransition() throws {
        let expression = try cron("30 2 * * *")
        #expect(expression.slot(atOrBefore: at("2026-09-27T12:00:00+13:00"), in: auckland) == at("2026-09-26T14:00:00Z"))
        #expect(expression.slot(atOrBefore: at("2026-09-26T14:00:00Z"), in: auckland) == at("2026-09-26T14:00:00Z"))
        // One second before the transition the latest slot is the previous day's 02:30 NZST.
        #expect(expression.slot(atOrBefore: at("2026-09-26T13:59:59Z"), in: auckland) == at("2026-09-26T02:30:00+12:00"))
        #expect(expression.slot(after: at("2026-09-26T02:30:00+12:00"), in: auckland) == at("2026-09-26T14:00:00Z"))
        #expect(expression.slot(after: at("2026-09-26T14:00:00Z"), in: auckland) == at("2026-09-28T02:30:00+13:00"))
    }

    /// A daily time inside the fall-back overlap fires once, at its first occurrence.
    @Test func dailyInDstOverlapFiresAtTheFirstOccurrenceOnly() throws {
        let expression = try cron("30 2 * * *")
        let first = at("2026-04-05T02:30:00+13:00")
        #expect(first == at("2026-04-04T13:30:00Z"))
        #expect(expression.slot(atOrBefore: at("2026-04-05T12:00:00+12:00"), in: auckland) == first)
        #expect(expression.slot(atOrBefore: at("2026-04-05T02:45:00+12:00"), in: auckland) == first)
        // The second 02:30 (NZST) is not a slot.
        #expect(expression.slot(atOrBefore: at("2026-04-05T02:30:00+12:00"), in: auckland) == first)
        #expect(expression.slot(atOrBefore: at("2026-04-05T02:29:00+12:00"), in: auckland) == first)
        #expect(expression.slot(atOrBefore: at("2026-04-05T02:29:59+13:00"), in: auckland) == at("2026-04-04T02:30:00+13:00"))
        #expect(expression.slot(after: at("2026-04-05T02:29:59+13:00"), in: auckland) == first)
        #expect(expression.slot(after: first, in: auckland) == at("2026-04-06T02:30:00+12:00"))
        #expect(expression.slot(after: at("2026-04-05T02:30:00+12:00"), in: auckland) == at("2026-04-06T02:30:00+12:00"))
    }

    /// Several gap times that resolve to the same instant are a single slot.
    @Test func severalGapTimesAreOneSlot() throws {
        let expression = try cron("*/15 2 * * *")
        let transition = at("2026-09-26T14:00:00Z")
        #expect(expression.slot(atOrBefore: at("2026-09-27T12:00:00+13:00"), in: auckland) == transition)
        #expect(expression.slot(atOrBefore: transition.addingTimeInterval(-1), in: auckland) == at("2026-09-26T02:45:00+12:00"))
        #expect(expression.slot(after: at("2026-09-26T02:45:00+12:00"), in: auckland) == transition)
        #expect(expression.slot(after: transition, in: auckland) == at("2026-09-28T02:00:00+13:00"))
        #expect(expression.slot(atOrBefore: at("2026-09-28T02:00:00+13:00").addingTimeInterval(-1), in: auckland) == transition)
    }

    /// All slots from `start` (exclusive) to `end` (inclusive), walking with `slot(after:)`.
    private func slotsForward(_ expression: CronExpression, from start: Date, to end: Date, in zone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = start
        while let next = expression.slot(after: cursor, in: zone), next <= end {
            result.append(next)
            cursor = next
        }
        return result
    }

    /// All slots from `end` (inclusive) back to `start` (exclusive), walking with `slot(atOrBefore:)`, in ascending order.
    private func slotsBackward(_ expression: CronExpression, from start: Date, to end: Date, in zone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = end
        while let previous = expression.slot(atOrBefore: cursor, in: zone), previous > start {
            result.append(previous)
            cursor = previous.addingTimeInterval(-1)
        }
        return result.reversed()
    }

    /// An hourly expression gives each real hour once across spring-forward.
    @Test func hourlyAcrossSpringForward() throws {
        let expression = try cron("0 * * * *")
        let start = at("2026-09-26T23:30:00+12:00")
        let end = at("2026-09-27T05:30:00+13:00")
        let expected = [
            "2026-09-27T00:00:00+12:00", "2026-09-27T01:00:00+12:00",
            "2026-09-27T03:00:00+13:00", "2026-09-27T04:00:00+13:00", "2026-09-27T05:00:00+13:00",
        ].map(at)
        #expect(slotsForward(expression, from: start, to: end, in: auckland) == expected)
        #expect(slotsBackward(expression, from: start, to: end, in: auckland) == expected)
    }

    /// An hourly expression fires the repeated hour once across fall-back.
    @Test func hourlyAcrossFallBack() throws {
        let expression = try cron("0 * * * *")
        let start = at("2026-04-04T23:30:00+13:00")
        let end = at("2026-04-05T04:30:00+12:00")
        // 02:00 happens twice (13:00Z NZDT and 14:00Z NZST); only the first is a slot.
        let expected = [
            "2026-04-05T00:00:00+13:00", "2026-04-05T01:00:00+13:00", "2026-04-05T02:00:00+13:00",
            "2026-04-05T03:00:00+12:00", "2026-04-05T04:00:00+12:00",
        ].map(at)
        #expect(slotsForward(expression, from: start, to: end, in: auckland) == expected)
        #expect(slotsBackward(expression, from: start, to: end, in: auckland) == expected)
    }

    /// Hourly slot counts over whole 23- and 25-hour days.
    @Test func hourlyOverWholeTransitionDaysHasOneSlotPerWallHour() throws {
        let expression = try cron("0 * * * *")
        let springDay = slotsForward(
            expression, from: at("2026-09-26T23:59:59+12:00"), to: at("2026-09-27T23:59:59+13:00"), in: auckland)
        #expect(springDay.count == 23)
        #expect(Set(springDay).count == springDay.count)
        let fallDay = slotsForward(
            expression, from: at("2026-04-04T23:59:59+13:00"), to: at("2026-04-05T23:59:59+12:00"), in: auckland)
        #expect(fallDay.count == 24)
        let gaps = zip(fallDay, fallDay.dropFirst()).map { $1.timeIntervalSince($0) }
        #expect(gaps.filter { $0 == 7200 }.count == 1)
        #expect(gaps.filter { $0 == 3600 }.count == 22)
    }

    /// A slot exactly at the instant is at-or-before it but not after it.
    @Test func slotExactlyAtTheInstantCounts() throws {
        let expression = try cron("0 9 * * *")
        let nine = at("2026-06-10T09:00:00Z")
        #expect(expression.slot(atOrBefore: nine, in: utc) == nine)
        #expect(expression.slot(atOrBefore: nine.addingTimeInterval(0.5), in: utc) == nine)
        #expect(expression.slot(atOrBefore: nine.addingTimeInterval(-0.5), in: utc) == at("2026-06-09T09:00:00Z"))
        #expect(expression.slot(after: nine, in: utc) == at("2026-06-11T09:00:00Z"))
        #expect(expression.slot(after: nine.addingTimeInterval(-0.5), in: utc) == nine)
    }

    /// Quarter-hour slots in UTC, across midnight.
    @Test func utcQuarterHours() throws {
        let expression = try cron("*/15 * * * *")
        #expect(expression.slot(atOrBefore: at("2026-06-10T10:07:00Z"), in: utc) == at("2026-06-10T10:00:00Z"))
        #expect(expression.slot(after: at("2026-06-10T10:07:00Z"), in: utc) == at("2026-06-10T10:15:00Z"))
        #expect(expression.slot(after: at("2026-06-10T23:50:00Z"), in: utc) == at("2026-06-11T00:00:00Z"))
        #expect(expression.slot(atOrBefore: at("2026-06-11T00:14:59Z"), in: utc) == at("2026-06-11T00:00:00Z"))
    }

    /// An every-minute expression resolves to the current and next minute.
    @Test func everyMinute() throws {
        let expression = try cron("* * * * *")
        #expect(expression.slot(atOrBefore: at("2026-06-10T10:07:42Z"), in: newYork) == at("2026-06-10T10:07:00Z"))
        #expect(expression.slot(after: at("2026-06-10T10:07:42Z"), in: newYork) == at("2026-06-10T10:08:00Z"))
        #expect(expression.slot(atOrBefore: at("2026-06-10T00:00:30-04:00"), in: newYork) == at("2026-06-10T00:00:00-04:00"))
    }

    /// Slots follow the wall clock of the given zone, in summer and winter.
    @Test func localTimeIsUsedNotUtc() throws {
        let expression = try cron("0 9 * * *")
        #expect(expression.slot(atOrBefore: at("2026-06-10T12:00:00Z"), in: newYork) == at("2026-06-09T09:00:00-04:00"))
        #expect(expression.slot(atOrBefore: at("2026-06-10T14:00:00Z"), in: newYork) == at("2026-06-10T09:00:00-04:00"))
        #expect(expression.slot(after: at("2026-06-10T12:00:00Z"), in: newYork) == at("2026-06-10T09:00:00-04:00"))
        #expect(expression.slot(atOrBefore: at("2026-01-10T14:00:00Z"), in: newYork) == at("2026-01-10T09:00:00-05:00"))
    }

    /// Gap and overlap handling in America/New_York.
    @Test func newYorkTransitions() throws {
        let gap = try cron("30 2 * * *")
        #expect(gap.slot(atOrBefore: at("2026-03-08T12:00:00-04:00"), in: newYork) == at("2026-03-08T07:00:00Z"))
        #expect(gap.slot(after: at("2026-03-07T12:00:00-05:00"), in: newYork) == at("2026-03-08T03:00:00-04:00"))
        let overlap = try cron("30 1 * * *")
        let first = at("2026-11-01T01:30:00-04:00")
        #expect(overlap.slot(atOrBefore: at("2026-11-01T01:45:00-05:00"), in: newYork) == first)
        #expect(overlap.slot(atOrBefore: at("2026-11-01T12:00:00-05:00"), in: newYork) == first)
        #expect(overlap.slot(after: first, in: newYork) == at("2026-11-02T01:30:00-05:00"))
    }

    /// Daily midnight slots in zones whose DST changes at midnight.
    @Test func midnightDstZones() throws {
        let daily = try cron("0 0 * * *")
        let havana = zone("America/Havana")
        // 2026-03-08 00:00 does not exist in Havana; the day starts at 01:00 CDT.
        #expect(daily.slot(atOrBefore: at("2026-03-08T12:00:00-04:00"), in: havana) == at("2026-03-08T05:00:00Z"))
        // 2026-11-01 00:00 happens twice; the first (CDT) is the slot.
        #expect(daily.slot(atOrBefore: at("2026-11-01T12:00:00-05:00"), in: havana) == at("2026-11-01T04:00:00Z"))
        let santiago = zone("America/Santiago")
        #expect(daily.slot(after: at("2026-09-05T12:00:00-04:00"), in: santiago) == at("2026-09-06T04:00:00Z"))
    }

    /// Searches cross month and year boundaries.
    @Test func monthAndYearBoundaries() throws {
        let monthly = try cron("0 0 1 * *")
        #expect(monthly.slot(atOrBefore: at("2026-03-15T10:00:00Z"), in: utc) == at("2026-03-01T00:00:00Z"))
        #expect(monthly.slot(atOrBefore: at("2026-03-01T00:00:00Z"), in: utc) == at("2026-03-01T00:00:00Z"))
        #expect(monthly.slot(atOrBefore: at("2026-02-28T23:59:59Z"), in: utc) == at("2026-02-01T00:00:00Z"))
        #expect(monthly.slot(after: at("2026-12-15T00:00:00Z"), in: utc) == at("2027-01-01T00:00:00Z"))
        let yearly = try cron("@yearly")
        #expect(yearly.slot(atOrBefore: at("2026-06-01T00:00:00Z"), in: utc) == at("2026-01-01T00:00:00Z"))
        #expect(yearly.slot(after: at("2026-01-01T00:00:00Z"), in: utc) == at("2027-01-01T00:00:00Z"))
        let lastOfMonth = try cron("0 12 31 * *")
        #expect(lastOfMonth.slot(after: at("2026-03-31T13:00:00Z"), in: utc) == at("2026-05-31T12:00:00Z"))
    }

    /// Searches cross weekends and weeks.
    @Test func weekdayBoundaries() throws {
        let mondays = try cron("0 9 * * MON")
        #expect(mondays.slot(atOrBefore: at("2026-06-03T12:00:00Z"), in: utc) == at("2026-06-01T09:00:00Z"))
        #expect(mondays.slot(after: at("2026-06-01T09:00:00Z"), in: utc) == at("2026-06-08T09:00:00Z"))
        let weekdays = try cron("30 8 * * MON-FRI")
        #expect(weekdays.slot(after: at("2026-06-05T09:00:00Z"), in: utc) == at("2026-06-08T08:30:00Z"))
        #expect(weekdays.slot(atOrBefore: at("2026-06-08T08:29:59Z"), in: utc) == at("2026-06-05T08:30:00Z"))
        let sundays = try cron("0 0 * * 7")
        #expect(sundays.slot(atOrBefore: at("2026-06-10T00:00:00Z"), in: utc) == at("2026-06-07T00:00:00Z"))
    }

    /// Slot order for an expression using the day-of-month/day-of-week OR rule.
    @Test func orRuleSlots() throws {
        let expression = try cron("0 9 1,15 * MON")
        // Tue 2026-06-02 → previous is Mon 06-01; after Mon 06-01 comes Mon 06-08, then Mon 06-15, then Mon 06-22.
        #expect(expression.slot(atOrBefore: at("2026-06-02T12:00:00Z"), in: utc) == at("2026-06-01T09:00:00Z"))
        let upcoming = slotsForward(expression, from: at("2026-06-25T00:00:00Z"), to: at("2026-07-16T00:00:00Z"), in: utc)
        #expect(upcoming == ["2026-06-29", "2026-07-01", "2026-07-06", "2026-07-13", "2026-07-15"].map { at("\($0)T09:00:00Z") })
    }

    /// A February 29 expression skips to the nearest leap year.
    @Test func leapDay() throws {
        let expression = try cron("0 0 29 2 *")
        #expect(expression.slot(atOrBefore: at("2027-06-01T00:00:00Z"), in: utc) == at("2024-02-29T00:00:00Z"))
        #expect(expression.slot(after: at("2026-01-01T00:00:00Z"), in: utc) == at("2028-02-29T00:00:00Z"))
        #expect(expression.slot(after: at("2024-02-29T00:00:00Z"), in: utc) == at("2028-02-29T00:00:00Z"))
    }

    /// Expressions that can never fire return nil in both directions.
    @Test func neverFiringReturnsNil() throws {
        for text in ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *"] {
            let expression = try cron(text)
            #expect(expression.slot(atOrBefore: at("2026-06-01T00:00:00Z"), in: utc) == nil, "\(text)")
            #expect(expression.slot(after: at("2026-06-01T00:00:00Z"), in: auckland) == nil, "\(text)")
        }
    }

    /// Searches take microseconds, not a minute-by-minute scan.
    @Test func searchIsFast() throws {
        let expressions = try ["0 * * * *", "30 2 * * *", "* * * * *", "*/5 9-17 * * MON-FRI", "@weekly"].map(cron)
        let clock = ContinuousClock()
        let start = at("2026-09-27T12:00:00+13:00")
        let elapsed = clock.measure {
            for iteration in 0..<200 {
                let instant = start.addingTimeInterval(TimeInterval(iteration * 4111))
                for expression in expressions {
                    #expect(expression.slot(atOrBefore: instant, in: auckland) != nil)
                    #expect(expression.slot(after: instant, in: auckland) != nil)
                }
            }
        }
        // 2,000 searches; minute-by-minute scanning would take far longer.
        #expect(elapsed < .seconds(2), "took \(elapsed)")
        let never = try cron("0 0 30 2 *")
        let neverElapsed = clock.measure { _ = never.slot(atOrBefore: start, in: auckland) }
        #expect(neverElapsed < .milliseconds(250), "took \(neverElapsed)")
    }

    /// Forward search agrees with resolving every candidate wall time directly.
    @Test func agreesWithBruteForceMinuteScan() throws {
        // Every wall minute of the two Auckland transition days, resolved by WallClock, deduplicated.
        let expression = try cron("*/20 1-3 * * *")
        for dayText in ["2026-09-27", "2026-04-05"] {
            guard let date = LocalDate(parsing: dayText) else { Issue.record("bad date"); return }
            var expected: [Date] = []
            for hour in expression.hours {
                for minute in expression.minutes {
                    let instant = WallClock.instant(date, hour: hour, minute: minute, in: auckland)
                    if expected.last != instant { expected.append(instant) }
                }
            }
            let found = slotsForward(
                expression, from: WallClock.startOfDay(date, in: auckland),
                to: WallClock.startOfDay(date.adding(days: 1), in: auckland), in: auckland)
            #expect(found == expected, "\(dayText)")
            #expect(found == expected.sorted())
        }
    }
}
