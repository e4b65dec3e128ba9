import Foundation
import Mustache

/// A trigger's time as templates see it, in the schedule's zone: `{{at.date}}`, `{{at.time}}`,
/// `{{at.weekday}}` and friends, so that no SQL date tricks are needed.
package struct TimeView: Sendable, MustacheParent, MustacheCustomRenderable, CustomStringConvertible {
    /// The field names templates may use after the dot, with an example each (for docs and errors).
    package static let fields: [(name: String, example: String)] = [
        ("iso", "2026-11-24T14:30:00+13:00"),
        ("date", "2026-11-24"),
        ("dmy", "24/11/2026"),
        ("mdy", "11/24/2026"),
        ("day", "24"),
        ("month", "November"),
        ("month_short", "Nov"),
        ("year", "2026"),
        ("weekday", "Tuesday"),
        ("weekday_short", "Tue"),
        ("time", "14:30"),
        ("time12", "2:30pm"),
        ("hour", "14"),
        ("minute", "30"),
    ]

    /// The names of `fields`.
    package static let fieldNames = Set(fields.map(\.name))

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July",
                                     "August", "September", "October", "November", "December"]
    private static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// The local date, time of day (whole seconds) and UTC offset; fields are worded when asked for.
    private let date: LocalDate
    private let hour: Int
    private let minute: Int
    private let second: Int
    private let offset: Int

    /// The view of `instant` in `zone`: the zone's offset at that instant, then civil arithmetic
    /// (no Calendar: a plan makes one view per row).
    package init(_ instant: Date, in zone: TimeZone) {
        offset = zone.secondsFromGMT(for: instant)
        let local = Int((instant.timeIntervalSince1970 + Double(offset)).rounded(.down))
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let time = local - days * 86400
        date = LocalDate(daysSinceEpoch: days)
        (hour, minute, second) = (time / 3600, time % 3600 / 60, time % 60)
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `Wed 25 Nov 2026 2:00am`: how `{{#changes}}` shows the old and new values of a `times:` column.
    package var shortText: String {
        "\(field("weekday_short")!) \(date.day) \(field("month_short")!) \(date.year) \(field("time12")!)"
    }

    /// The text of field `name` (see `fields`); nil for another name.
    private func field(_ name: String) -> String? {
        let two = Self.two
        switch name {
        case "iso":
            let sign = offset < 0 ? "-" : "+"
            return "\(field("date")!)T\(two(hour)):\(two(minute)):\(two(second))\(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))"
        case "date": return "\(date.year)-\(two(date.month))-\(two(date.day))"
        case "dmy": return "\(two(date.day))/\(two(date.month))/\(date.year)"
        case "mdy": return "\(two(date.month))/\(two(date.day))/\(date.year)"
        case "day": return "\(date.day)"
        case "month": return Self.monthNames[date.month - 1]
        case "month_short": return String(Self.monthNames[date.month - 1].prefix(3))
        case "year": return "\(date.year)"
        case "weekday": return Self.weekdayNames[date.weekday]
        case "weekday_short": return String(Self.weekdayNames[date.weekday].prefix(3))
        case "time": return "\(two(hour)):\(two(minute))"
        case "time12": return "\(hour % 12 == 0 ? 12 : hour % 12):\(two(minute))\(hour < 12 ? "am" : "pm")"
        case "hour": return two(hour)
        case "minute": return two(minute)
        default: return nil
        }
    }

    /// A field by name (see `fields`).
    package func child(named name: String) -> Any? { field(name) }

    /// The ISO 8601 text with offset.
    package var renderText: String { field("iso")! }
    /// Never null.
    package var isNull: Bool { false }
    /// The ISO 8601 text with offset.
    package var description: String { renderText }
}
