import Foundation

/// A parsed 5-field cron expression (minute hour day-of-month month day-of-week) with Vixie cron semantics.
package struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The text the expression was parsed from, verbatim.
    package let source: String
    /// Bit `n` set when minute `n` (0-59) is selected.
    let minuteBits: UInt64
    /// Bit `n` set when hour `n` (0-23) is selected.
    let hourBits: UInt64
    /// Bit `n` set when day of month `n` (1-31) is selected.
    let dayOfMonthBits: UInt64
    /// Bit `n` set when month `n` (1-12) is selected.
    let monthBits: UInt64
    /// Bit `n` set when weekday `n` (0 = Sunday ... 6 = Saturday) is selected.
    let dayOfWeekBits: UInt64
    /// Whether the day-of-month field starts with `*` (Vixie's DOM_STAR).
    let dayOfMonthIsStar: Bool
    /// Whether the day-of-week field starts with `*` (Vixie's DOW_STAR).
    let dayOfWeekIsStar: Bool
    /// The selected minutes, ascending.
    package let minutes: [Int]
    /// The selected hours, ascending.
    package let hours: [Int]

    /// Longest stretch of days the slot searches walk before giving up (about five years).
    static let searchLimitDays = 5 * 365 + 2

    /// Creates an expression from already validated field bit sets.
    init(
        source: String, minuteBits: UInt64, hourBits: UInt64, dayOfMonthBits: UInt64,
        monthBits: UInt64, dayOfWeekBits: UInt64, dayOfMonthIsStar: Bool, dayOfWeekIsStar: Bool
    ) {
        self.source = source
        self.minuteBits = minuteBits
        self.hourBits = hourBits
        self.dayOfMonthBits = dayOfMonthBits
        self.monthBits = monthBits
        self.dayOfWeekBits = dayOfWeekBits
        self.dayOfMonthIsStar = dayOfMonthIsStar
        self.dayOfWeekIsStar = dayOfWeekIsStar
        self.minutes = Self.members(of: minuteBits, in: 0...59)
        self.hours = Self.members(of: hourBits, in: 0...23)
    }

    /// The original expression text.
    package var description: String { source }

    /// Whether the expression fires at some time on `date` (month plus the Vixie day-of-month/day-of-week rule).
    package func matches(date: LocalDate) -> Bool {
        matches(month: date.month, day: date.day, weekday: date.weekday)
    }

    /// The latest slot at or before `instant`, with slot wall times resolved in `zone`; nil if none within about five years.
    package func slot(atOrBefore instant: Date, in zone: TimeZone) -> Date? {
        let target = WallClock.epochSeconds(instant)
        let bounds = offsetBounds(near: target, in: zone)
        // Start a day late: a wall time on the next date can precede `instant` when a DST overlap crosses midnight.
        let firstDay = LocalDate.of(instant, in: zone).daysSinceEpoch + 1
        for day in stride(from: firstDay, to: firstDay - Self.searchLimitDays, by: -1) {
            guard matches(daysSinceEpoch: day) else { continue }
            let dayStart = day * WallClock.secondsPerDay
            for hour in hours.reversed() {
                // Every resolution of a wall time w is at least w - (largest offset nearby).
                if dayStart + hour * 3600 - bounds.largest > target { continue }
                for minute in minutes.reversed() {
                    let wall = dayStart + hour * 3600 + minute * 60
                    if wall - bounds.largest > target { continue }
                    let resolved = WallClock.resolve(wallSeconds: wall, in: zone)
                    if resolved <= target {
                        return Date(timeIntervalSince1970: TimeInterval(resolved))
                    }
                }
            }
        }
        return nil
    }

    /// The earliest slot strictly after `instant`, with slot wall times resolved in `zone`; nil if none within about five years.
    package func slot(after instant: Date, in zone: TimeZone) -> Date? {
        let target = WallClock.epochSeconds(instant)
        let bounds = offsetBounds(near: target, in: zone)
        let firstDay = LocalDate.of(instant, in: zone).daysSinceEpoch
        for day in firstDay..<(firstDay + Self.searchLimitDays) {
            guard matches(daysSinceEpoch: day) else { continue }
            let dayStart = day * WallClock.secondsPerDay
            for hour in hours {
                // Every resolution of a wall time w is at most w - (smallest offset nearby).
                if dayStart + hour * 3600 + 59 * 60 - bounds.smallest <= target { continue }
                for minute in minutes {
                    let wall = dayStart + hour * 3600 + minute * 60
                    if wall - bounds.smallest <= target { continue }
                    let resolved = WallClock.resolve(wallSeconds: wall, in: zone)
                    if resolved > target {
                        return Date(timeIntervalSince1970: TimeInterval(resolved))
                    }
                }
            }
        }
        return nil
    }

    /// Day-level match on the civil day `days` after 1970-01-01.
    func matches(daysSinceEpoch days: Int) -> Bool {
        let date = LocalDate(daysSinceEpoch: days)
        return matches(month: date.month, day: date.day, weekday: LocalDate.weekday(daysSinceEpoch: days))
    }

    /// Day-level match: the month must match; day-of-month and day-of-week are ANDed if either starts with `*`, else ORed.
    func matches(month: Int, day: Int, weekday: Int) -> Bool {
        guard monthBits & (1 << month) != 0 else { return false }
        let dayOfMonthMatches = dayOfMonthBits & (1 << day) != 0
        let dayOfWeekMatches = dayOfWeekBits & (1 << weekday) != 0
        if dayOfMonthIsStar || dayOfWeekIsStar {
            return dayOfMonthMatches && dayOfWeekMatches
        }
        return dayOfMonthMatches || dayOfWeekMatches
    }

    /// The smallest and largest UTC offsets in force within two days of Unix second `seconds`.
    private func offsetBounds(near seconds: Int, in zone: TimeZone) -> (smallest: Int, largest: Int) {
        let twoDays = 2 * WallClock.secondsPerDay
        let early = WallClock.offset(at: seconds - twoDays, in: zone)
        let now = WallClock.offset(at: seconds, in: zone)
        let late = WallClock.offset(at: seconds + twoDays, in: zone)
        return (min(early, now, late), max(early, now, late))
    }

    /// The members of `bits` within `range`, ascending.
    private static func members(of bits: UInt64, in range: ClosedRange<Int>) -> [Int] {
        range.filter { bits & (1 << $0) != 0 }
    }
}
