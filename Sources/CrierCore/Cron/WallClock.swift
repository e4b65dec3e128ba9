import Foundation

/// Conversions between instants and local wall-clock times in a time zone, with explicit DST rules.
package enum WallClock {
    /// Seconds in one civil day.
    static let secondsPerDay = 86_400

    /// The instant the local wall time names in `zone`: the first occurrence in a DST overlap, the transition instant in a DST gap.
    package static func instant(_ date: LocalDate, hour: Int, minute: Int, second: Int = 0, in zone: TimeZone) -> Date {
        let wall = date.daysSinceEpoch * secondsPerDay + hour * 3600 + minute * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(resolve(wallSeconds: wall, in: zone)))
    }

    /// The first instant of `date` in `zone` (later than local midnight when midnight falls in a DST gap).
    package static func startOfDay(containing instant: Date, in zone: TimeZone) -> Date {
        startOfDay(components(of: instant, in: zone).date, in: zone)
    }

    /// The first instant of `date` in `zone`.
    package static func startOfDay(_ date: LocalDate, in zone: TimeZone) -> Date {
        instant(date, hour: 0, minute: 0, in: zone)
    }

    /// The local date and wall time (seconds truncated) of `instant` in `zone`.
    package static func components(of instant: Date, in zone: TimeZone) -> (date: LocalDate, hour: Int, minute: Int, second: Int) {
        let seconds = epochSeconds(instant)
        let local = seconds + zone.secondsFromGMT(for: instant)
        let (days, secondOfDay) = floorDivide(local, secondsPerDay)
        return (LocalDate(daysSinceEpoch: days), secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
    }

    /// Resolves local wall seconds (seconds since 1970-01-01T00:00 local) to Unix seconds in `zone`.
    static func resolve(wallSeconds wall: Int, in zone: TimeZone) -> Int {
        let before = offset(at: wall - secondsPerDay, in: zone)
        let after = offset(at: wall + secondsPerDay, in: zone)
        // Of the candidates that really carry the offset they were computed with, the earliest wins.
        let earlierOffset = max(before, after)
        let laterOffset = min(before, after)
        if offset(at: wall - earlierOffset, in: zone) == earlierOffset { return wall - earlierOffset }
        if laterOffset != earlierOffset, offset(at: wall - laterOffset, in: zone) == laterOffset { return wall - laterOffset }
        // The wall time falls in a gap: the answer is the transition instant, i.e. the first
        // instant whose local wall time lies beyond `wall`. Local time only moves forward
        // across a gap, so the predicate is monotone between the two candidates.
        var low = wall - earlierOffset  // local wall time here is before `wall`
        var high = wall - laterOffset   // local wall time here is after `wall`
        guard low < high else { return wall - before }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if middle + offset(at: middle, in: zone) > wall {
                high = middle
            } else {
                low = middle
            }
        }
        return high
    }

    /// The UTC offset in seconds in force in `zone` at Unix second `seconds`.
    static func offset(at seconds: Int, in zone: TimeZone) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    /// The whole Unix seconds of `instant`, rounded toward the past.
    static func epochSeconds(_ instant: Date) -> Int {
        Int(instant.timeIntervalSince1970.rounded(.down))
    }

    /// Floor division with a non-negative remainder.
    static func floorDivide(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
