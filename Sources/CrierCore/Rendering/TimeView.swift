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

    private let values: [String: String]

    /// The view of `instant` in `zone`.
    package init(_ instant: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: instant)
        let (year, month, day) = (c.year!, c.month!, c.day!)
        let (hour, minute, second) = (c.hour!, c.minute!, c.second!)
        let offset = zone.secondsFromGMT(for: instant)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let sign = offset < 0 ? "-" : "+"
        let offsetText = sign + two(abs(offset) / 3600) + ":" + two(abs(offset) % 3600 / 60)
        let date = "\(year)-\(two(month))-\(two(day))"
        let hour12 = hour % 12 == 0 ? 12 : hour % 12
        values = [
            "iso": "\(date)T\(two(hour)):\(two(minute)):\(two(second))\(offsetText)",
            "date": date,
            "dmy": "\(two(day))/\(two(month))/\(year)",
            "mdy": "\(two(month))/\(two(day))/\(year)",
            "day": "\(day)",
            "month": Self.monthNames[month - 1],
            "month_short": String(Self.monthNames[month - 1].prefix(3)),
            "year": "\(year)",
            "weekday": Self.weekdayNames[c.weekday! - 1],
            "weekday_short": String(Self.weekdayNames[c.weekday! - 1].prefix(3)),
            "time": "\(two(hour)):\(two(minute))",
            "time12": "\(hour12):\(two(minute))\(hour < 12 ? "am" : "pm")",
            "hour": two(hour),
            "minute": two(minute),
        ]
    }

    /// `Wed 25 Nov 2026 2:00am`: how `{{#changes}}` shows the old and new values of a `times:` column.
    package var shortText: String {
        "\(values["weekday_short"]!) \(values["day"]!) \(values["month_short"]!) \(values["year"]!) \(values["time12"]!)"
    }

    /// A field by name (see `fields`).
    package func child(named name: String) -> Any? { values[name] }

    /// The ISO 8601 text with offset.
    package var renderText: String { values["iso"]! }
    /// Never null.
    package var isNull: Bool { false }
    /// The ISO 8601 text with offset.
    package var description: String { renderText }
}
