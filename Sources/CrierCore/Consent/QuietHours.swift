import Foundation

/// A daily span of local wall-clock time (`21:00-08:00`) in which no SMS goes out.
/// The span may cross midnight; the start is inside it, the end is not.
package struct QuietHours: Sendable, Equatable, CustomStringConvertible {
    /// Start, in minutes after local midnight.
    package var startMinute: Int
    /// End, in minutes after local midnight.
    package var endMinute: Int

    /// A span from `startMinute` to `endMinute` (minutes after midnight).
    package init(startMinute: Int, endMinute: Int) {
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Reads `HH:MM-HH:MM` (24-hour clock); nil when it is not that, or start equals end.
    package static func parse(_ text: String) -> QuietHours? {
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "none" { return QuietHours.none }
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = minutes(parts[0]), let end = minutes(parts[1]), start != end else { return nil }
        return QuietHours(startMinute: start, endMinute: end)
    }

    /// No quiet hours (`quiet_hours: none`), so a schedule can turn off crier.yaml's.
    package static let none = QuietHours(startMinute: 0, endMinute: 0)

    /// Whether this is `none`.
    package var isNone: Bool { startMinute == endMinute }

    private static func minutes(_ text: Substring) -> Int? {
        let pieces = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, (1...2).contains(pieces[0].count), pieces[1].count == 2,
              pieces.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              let hour = Int(pieces[0]), let minute = Int(pieces[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return (hour * 60 + minute) % (24 * 60)
    }

    /// Whether `instant` falls inside the quiet hours, read on the wall clock of `zone`.
    package func contains(_ instant: Date, in zone: TimeZone) -> Bool {
        if isNone { return false }
        let local = WallClock.components(of: instant, in: zone)
        let minute = local.hour * 60 + local.minute
        if startMinute < endMinute { return minute >= startMinute && minute < endMinute }
        return minute >= startMinute || minute < endMinute
    }

    /// The first slot of `cron` after `instant` and before `limit` that falls inside the quiet
    /// hours, read in `zone`; nil when there is none. One slot per quiet span is looked at (the
    /// first at or after the span starts), so a cron that fires every minute is judged as well
    /// as a daily one.
    package func firstSlot(of cron: CronExpression, after instant: Date, before limit: Date, in zone: TimeZone) -> Date? {
        if isNone { return nil }
        let today = LocalDate.of(instant, in: zone)
        let days = Int(limit.timeIntervalSince(instant) / 86400) + 1
        let spanStarts = (0...days).map { day in
            WallClock.instant(today.adding(days: day), hour: startMinute / 60, minute: startMinute % 60, in: zone)
        }
        // The span under way at `instant`, if any, then the spans that start after it.
        for from in [instant] + spanStarts.map({ $0.addingTimeInterval(-1) }).filter({ $0 > instant }) {
            guard let slot = cron.slot(after: from, in: zone), slot < limit else { return nil }
            if contains(slot, in: zone) { return slot }
        }
        return nil
    }

    /// `21:00-08:00`.
    package var description: String {
        if isNone { return "none" }
        func text(_ minutes: Int) -> String {
            let hour = minutes / 60, minute = minutes % 60
            return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
        }
        return text(startMinute) + "-" + text(endMinute)
    }
}
