import Foundation
import Testing

@testable import CrierCore

/// `{{at.*}}` fields, computed from the zone's offset with civil arithmetic.
@Suite("TimeView")
struct TimeViewTests {
    /// The fields as Foundation's Calendar gives them (the reference).
    private func expected(_ instant: Date, _ zone: TimeZone) -> [String: String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: instant)
        let offset = zone.secondsFromGMT(for: instant)
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        func two(_ n: Int) -> String { String(format: "%02d", n) }
        let date = "\(c.year!)-\(two(c.month!))-\(two(c.day!))"
        let hour12 = c.hour! % 12 == 0 ? 12 : c.hour! % 12
        return [
            "iso": "\(date)T\(two(c.hour!)):\(two(c.minute!)):\(two(c.second!))\(offset < 0 ? "-" : "+")\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))",
            "date": date, "dmy": "\(two(c.day!))/\(two(c.month!))/\(c.year!)", "mdy": "\(two(c.month!))/\(two(c.day!))/\(c.year!)",
            "day": "\(c.day!)", "month": months[c.month! - 1], "month_short": String(months[c.month! - 1].prefix(3)), "year": "\(c.year!)",
            "weekday": weekdays[c.weekday! - 1], "weekday_short": String(weekdays[c.weekday! - 1].prefix(3)),
            "time": "\(two(c.hour!)):\(two(c.minute!))", "time12": "\(hour12):\(two(c.minute!))\(c.hour! < 12 ? "am" : "pm")",
            "hour": two(c.hour!), "minute": two(c.minute!),
        ]
    }

    /// Checks every field against Calendar across DST changes, odd offsets, leap days and before 1970.
    @Test("every field agrees with Calendar", arguments: ["Pacific/Auckland", "Pacific/Chatham", "America/New_York", "Asia/Kolkata", "UTC"])
    func agreesWithCalendar(zoneName: String) throws {
        let zone = try #require(TimeZone(identifier: zoneName))
        // Every 7h13m17s from 1969 to 2031: crosses every DST change at many times of day.
        var instant = Date(timeIntervalSince1970: -40_000_000)
        while instant.timeIntervalSince1970 < 1_950_000_000 {
            let view = TimeView(instant, in: zone)
            for (name, text) in expected(instant, zone) {
                #expect(view.child(named: name) as? String == text, "\(zoneName) \(instant) \(name)")
            }
            #expect(view.renderText == expected(instant, zone)["iso"])
            instant += 25_997
        }
        #expect(TimeView(Date(timeIntervalSince1970: 0), in: zone).child(named: "nope") == nil)
    }

    /// Pins the short form `{{#changes}}` uses.
    @Test("short text: Wed 25 Nov 2026 2:00am")
    func shortText() throws {
        let zone = try #require(TimeZone(identifier: "Pacific/Auckland"))
        #expect(TimeView(Date(timeIntervalSince1970: 1795525200), in: zone).shortText == "Wed 25 Nov 2026 2:00am")
    }
}
