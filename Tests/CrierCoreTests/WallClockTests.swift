import Foundation
import Testing
@testable import CrierCore

/// The instant `seconds` after 1970-01-01T00:00:00Z.
private func unix(_ seconds: Int) -> Date {
    Date(timeIntervalSince1970: TimeInterval(seconds))
}

/// The instant of a UTC date and time.
private func utcInstant(_ dateText: String, _ hour: Int, _ minute: Int, _ second: Int = 0) -> Date {
    guard let date = LocalDate(parsing: dateText) else { fatalError("bad test date \(dateText)") }
    return unix(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second)
}

/// A date known to be valid.
private func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(parsing: text) else { fatalError("bad test date \(text)") }
    return date
}

/// The time zone with identifier `identifier`.
private func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("no time zone \(identifier)") }
    return zone
}

private let auckland = zone("Pacific/Auckland")
private let newYork = zone("America/New_York")
private let utc = zone("UTC")

/// Wall-time resolution and decomposition, including DST gaps and overlaps.
@Suite("WallClock")
struct WallClockTests {
    /// Unambiguous wall times map to the obvious instant.
    @Test func normalTimes() {
        #expect(WallClock.instant(day("2026-06-15"), hour: 9, minute: 0, in: auckland) == utcInstant("2026-06-14", 21, 0))
        #expect(WallClock.instant(day("2026-01-15"), hour: 9, minute: 30, in: auckland) == utcInstant("2026-01-14", 20, 30))
        #expect(WallClock.instant(day("2026-06-15"), hour: 9, minute: 5, second: 7, in: utc) == utcInstant("2026-06-15", 9, 5, 7))
        #expect(WallClock.instant(day("2026-06-15"), hour: 23, minute: 59, second: 59, in: newYork) == utcInstant("2026-06-16", 3, 59, 59))
    }

    /// Wall times inside a gap resolve to the transition instant.
    @Test func gapResolvesToTheTransitionInstant() {
        let gapDay = day("2026-09-27")
        let transition = utcInstant("2026-09-26", 14, 0)
        #expect(WallClock.instant(gapDay, hour: 2, minute: 30, in: auckland) == transition)
        #expect(WallClock.instant(gapDay, hour: 2, minute: 0, in: auckland) == transition)
        #expect(WallClock.instant(gapDay, hour: 2, minute: 59, second: 59, in: auckland) == transition)
        #expect(WallClock.instant(gapDay, hour: 3, minute: 0, in: auckland) == transition)
        #expect(WallClock.instant(gapDay, hour: 1, minute: 59, second: 59, in: auckland) == utcInstant("2026-09-26", 13, 59, 59))
        #expect(WallClock.instant(gapDay, hour: 3, minute: 0, second: 1, in: auckland) == utcInstant("2026-09-26", 14, 0, 1))
        #expect(WallClock.instant(day("2026-03-08"), hour: 2, minute: 30, in: newYork) == utcInstant("2026-03-08", 7, 0))
    }

    /// Foundation itself resolves a gap time differently, which is why WallClock does its own.
    @Test func foundationWouldShiftGapTimesByTheGapLength() throws {
        // Documents why WallClock resolves gaps itself: Foundation moves 02:30 forward by an hour.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = auckland
        let foundation = calendar.date(from: DateComponents(year: 2026, month: 9, day: 27, hour: 2, minute: 30))
        #expect(foundation != WallClock.instant(day("2026-09-27"), hour: 2, minute: 30, in: auckland))
    }

    /// Wall times inside an overlap resolve to their first occurrence.
    @Test func overlapResolvesToTheFirstOccurrence() {
        let overlapDay = day("2026-04-05")
        #expect(WallClock.instant(overlapDay, hour: 2, minute: 30, in: auckland) == utcInstant("2026-04-04", 13, 30))
        #expect(WallClock.instant(overlapDay, hour: 2, minute: 0, in: auckland) == utcInstant("2026-04-04", 13, 0))
        #expect(WallClock.instant(overlapDay, hour: 2, minute: 59, second: 59, in: auckland) == utcInstant("2026-04-04", 13, 59, 59))
        #expect(WallClock.instant(overlapDay, hour: 3, minute: 0, in: auckland) == utcInstant("2026-04-04", 15, 0))
        #expect(WallClock.instant(overlapDay, hour: 1, minute: 59, in: auckland) == utcInstant("2026-04-04", 12, 59))
        #expect(WallClock.instant(day("2026-11-01"), hour: 1, minute: 30, in: newYork) == utcInstant("2026-11-01", 5, 30))
    }

    /// Start of day on ordinary and transition days.
    @Test func startOfDay() {
        #expect(WallClock.startOfDay(day("2026-06-15"), in: utc) == utcInstant("2026-06-15", 0, 0))
        #expect(WallClock.startOfDay(day("2026-06-15"), in: auckland) == utcInstant("2026-06-14", 12, 0))
        #expect(WallClock.startOfDay(day("2026-09-27"), in: auckland) == utcInstant("2026-09-26", 12, 0))
        #expect(WallClock.startOfDay(day("2026-03-08"), in: newYork) == utcInstant("2026-03-08", 5, 0))
        #expect(WallClock.startOfDay(day("2026-11-02"), in: newYork) == utcInstant("2026-11-02", 5, 0))
    }

    /// Start of day when local midnight does not exist.
    @Test func startOfDayWhenMidnightIsInAGap() {
        // Havana springs forward at 00:00 CST → 01:00 CDT; Santiago at 00:00 -04 → 01:00 -03.
        let havana = zone("America/Havana")
        #expect(WallClock.startOfDay(day("2026-03-08"), in: havana) == utcInstant("2026-03-08", 5, 0))
        #expect(WallClock.components(of: utcInstant("2026-03-08", 5, 0), in: havana) == (day("2026-03-08"), 1, 0, 0))
        let santiago = zone("America/Santiago")
        #expect(WallClock.startOfDay(day("2026-09-06"), in: santiago) == utcInstant("2026-09-06", 4, 0))
        #expect(WallClock.startOfDay(day("2026-09-05"), in: santiago) == utcInstant("2026-09-05", 4, 0))
        #expect(WallClock.startOfDay(day("2026-09-07"), in: santiago) == utcInstant("2026-09-07", 3, 0))
    }

    /// Start of day when local midnight happens twice or is next to a fall-back.
    @Test func startOfDayWhenMidnightRepeats() {
        // Havana falls back at 01:00 CDT → 00:00 CST, so 00:00 happens twice; the day starts at the first.
        let havana = zone("America/Havana")
        #expect(WallClock.startOfDay(day("2026-11-01"), in: havana) == utcInstant("2026-11-01", 4, 0))
        // Santiago falls back at 00:00 -03 → 23:00 -04 the evening before, so midnight happens once.
        let santiago = zone("America/Santiago")
        #expect(WallClock.startOfDay(day("2026-04-05"), in: santiago) == utcInstant("2026-04-05", 4, 0))
        #expect(WallClock.instant(day("2026-04-04"), hour: 23, minute: 30, in: santiago) == utcInstant("2026-04-05", 2, 30))
    }

    /// Decomposing instants into local date and time, around transitions and before 1970.
    @Test func components() {
        #expect(WallClock.components(of: utcInstant("2026-09-26", 14, 0), in: auckland) == (day("2026-09-27"), 3, 0, 0))
        #expect(WallClock.components(of: utcInstant("2026-09-26", 13, 59, 59), in: auckland) == (day("2026-09-27"), 1, 59, 59))
        #expect(WallClock.components(of: utcInstant("2026-04-04", 13, 30), in: auckland) == (day("2026-04-05"), 2, 30, 0))
        #expect(WallClock.components(of: utcInstant("2026-04-04", 14, 30), in: auckland) == (day("2026-04-05"), 2, 30, 0))
        #expect(WallClock.components(of: unix(-1), in: utc) == (day("1969-12-31"), 23, 59, 59))
        #expect(WallClock.components(of: unix(0).addingTimeInterval(-0.25), in: utc) == (day("1969-12-31"), 23, 59, 59))
        #expect(WallClock.components(of: utcInstant("2026-06-16", 3, 59, 59), in: newYork) == (day("2026-06-15"), 23, 59, 59))
        #expect(LocalDate.of(utcInstant("2026-06-14", 12, 0), in: auckland) == day("2026-06-15"))
        #expect(LocalDate.of(utcInstant("2026-06-14", 11, 59, 59), in: auckland) == day("2026-06-14"))
    }

    /// Decomposing and resolving every half hour of 2026 round-trips and agrees with Calendar.
    @Test(arguments: ["Pacific/Auckland", "America/New_York", "America/Santiago", "America/Havana", "Australia/Lord_Howe", "Asia/Kolkata"])
    func roundTripsEveryHalfHourOfAYear(identifier: String) {
        let timeZone = zone(identifier)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var mismatches = 0
        for step in 0..<(366 * 48) {
            let instant = utcInstant("2026-01-01", 0, 0).addingTimeInterval(TimeInterval(step * 1800))
            let parts = WallClock.components(of: instant, in: timeZone)
            let resolved = WallClock.instant(parts.date, hour: parts.hour, minute: parts.minute, second: parts.second, in: timeZone)
            // A wall time names its first occurrence, so resolving can only go back (inside an overlap).
            if resolved > instant || instant.timeIntervalSince(resolved) > 3600 { mismatches += 1 }
            if resolved != instant && timeZone.secondsFromGMT(for: resolved) <= timeZone.secondsFromGMT(for: instant) { mismatches += 1 }
            let reference = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            if reference.year != parts.date.year || reference.month != parts.date.month || reference.day != parts.date.day
                || reference.hour != parts.hour || reference.minute != parts.minute { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}

/// Civil date parsing, arithmetic, weekdays and ordering.
@Suite("LocalDate")
struct LocalDateTests {
    /// Parsing reads the parts and `description` writes them zero-padded.
    @Test func parsingAndDescription() {
        let date = LocalDate(parsing: "2026-11-24")
        #expect(date?.year == 2026)
        #expect(date?.month == 11)
        #expect(date?.day == 24)
        #expect(date?.description == "2026-11-24")
        #expect(LocalDate(parsing: "0987-01-05")?.description == "0987-01-05")
        #expect(LocalDate(year: 2026, month: 3, day: 9)?.description == "2026-03-09")
        #expect("\(day("2024-02-29"))" == "2024-02-29")
    }

    /// Real dates, leap days included, parse and print back unchanged.
    @Test(arguments: ["2024-02-29", "2000-02-29", "2026-12-31", "2026-01-01", "2026-04-30"])
    func acceptsRealDates(text: String) {
        #expect(LocalDate(parsing: text)?.description == text)
    }

    /// Impossible dates and malformed text do not parse.
    @Test(arguments: [
        "2026-02-30", "2025-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10",
        "2026-01-00", "2026-01-32", "2026-1-01", "26-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01",
        "2026-01-01 ", "", "+026-01-01", "2026-0a-01", "２０２６-01-01",
    ])
    func rejectsBadDates(text: String) {
        #expect(LocalDate(parsing: text) == nil)
    }

    /// The part-wise initializer rejects impossible dates.
    @Test func componentInitializerValidates() {
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2026, month: 0, day: 1) == nil)
        #expect(LocalDate(year: 2026, month: 6, day: 0) == nil)
        #expect(LocalDate(year: 2028, month: 2, day: 29) != nil)
    }

    /// Adding days crosses months, years and leap days in both directions.
    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-01"),
        ("2026-12-31", 1, "2027-01-01"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2023-02-28", 1, "2023-03-01"),
        ("2026-03-01", -1, "2026-02-28"),
        ("2024-03-01", -1, "2024-02-29"),
        ("2024-01-01", 365, "2024-12-31"),
        ("2024-01-01", 366, "2025-01-01"),
        ("1970-01-01", -1, "1969-12-31"),
        ("2000-01-01", 146_097, "2400-01-01"),
        ("2100-02-28", 1, "2100-03-01"),
        ("2026-11-24", 0, "2026-11-24"),
        ("2027-01-01", -365, "2026-01-01"),
    ])
    func adding(start: String, days: Int, expected: String) {
        #expect(day(start).adding(days: days) == day(expected))
        #expect(day(expected).adding(days: -days) == day(start))
    }

    /// Day numbers count from 1970-01-01.
    @Test func epochDays() {
        #expect(day("1970-01-01").daysSinceEpoch == 0)
        #expect(day("1970-01-02").daysSinceEpoch == 1)
        #expect(day("1969-12-31").daysSinceEpoch == -1)
        #expect(day("2026-09-27").daysSinceEpoch == 20_723)
    }

    /// Weekdays of known dates, 0 being Sunday.
    @Test(arguments: [
        ("1970-01-01", 4), ("2026-11-24", 2), ("2000-01-01", 6), ("2026-06-07", 0), ("2026-06-01", 1),
        ("1969-12-28", 0), ("2024-02-29", 4), ("2028-02-29", 2),
    ])
    func weekday(text: String, expected: Int) {
        #expect(day(text).weekday == expected)
    }

    /// Dates and weekdays agree with Foundation’s Gregorian calendar over 40 years.
    @Test func weekdayAndArithmeticAgreeWithCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = day("1995-01-01")
        var mismatches = 0
        for offset in stride(from: 0, to: 40 * 366, by: 3) {
            let date = start.adding(days: offset)
            let instant = Date(timeIntervalSince1970: TimeInterval(date.daysSinceEpoch * 86_400))
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
            if parts.year != date.year || parts.month != date.month || parts.day != date.day
                || parts.weekday != date.weekday + 1 { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    /// Dates order chronologically and hash by value.
    @Test func ordering() {
        let dates = ["2026-02-01", "2025-12-31", "2026-01-31", "2026-01-05"].map(day)
        #expect(dates.sorted().map(\.description) == ["2025-12-31", "2026-01-05", "2026-01-31", "2026-02-01"])
        #expect(day("2026-01-31") < day("2026-02-01"))
        #expect(!(day("2026-02-01") < day("2026-02-01")))
        #expect(Set([day("2026-02-01"), day("2026-02-01")]).count == 1)
    }
}
