import CrierCore
import Foundation

/// The forecast as one self-contained page: a calendar-like grid of days, each listing the
/// schedules with slots that day and what they would send or skip. No script, no network.
struct ForecastHTML {
    let forecast: Forecast
    let repository: ConfigRepository

    func render() -> String {
        let zone = forecast.timeZone
        var body = "<header>\n<h1>What crier would send in the next \(HTMLPage.count(forecast.days.count, "day", "days"))</h1>\n"
        body += "<p class=\"muted\">From \(HTMLPage.escape(HTMLPage.time(forecast.at, in: zone))) to the end of \(HTMLPage.escape(forecast.days.last.map { HTMLPage.day($0.date) } ?? "")) (\(HTMLPage.escape(zone.identifier))), over today's data. A forecast: nothing was sent or recorded, and every message is assumed to go out at its slot.</p>\n"
        body += "<p class=\"total\" id=\"total-sends\"><span class=\"number\">\(forecast.totalSends)</span> \(forecast.totalSends == 1 ? "message" : "messages") to send</p>\n</header>\n"
        body += "<section class=\"calendar\" aria-label=\"Days\">\n"
        for weekday in Self.leadingBlanks(forecast.days.first?.date) { body += "<div class=\"blank\" aria-hidden=\"true\">\(weekday)</div>\n" }
        for day in forecast.days {
            body += dayCell(day)
        }
        body += "</section>\n"
        let notForecast = forecast.schedules.filter { !$0.forecast }
        if !notForecast.isEmpty {
            body += "<section class=\"panel\" id=\"not-forecast\">\n<h2>Not forecast</h2>\n<ul>\n"
            for note in notForecast {
                body += "<li><b>\(HTMLPage.escape(note.schedule))</b>: \(HTMLPage.escape(note.reason ?? ""))</li>\n"
            }
            body += "</ul>\n</section>\n"
        }
        body += "<footer class=\"muted\"><p>Forecast at <code>\(Timestamp.utc(forecast.at))</code> · config <code>\(forecast.configSHA256.prefix(12))</code> · snapshot <code>\(forecast.snapshotSHA256.prefix(12))</code>. Made by <code>crier forecast --format html</code>.</p></footer>\n"
        return HTMLPage.page(title: "crier forecast from \(HTMLPage.time(forecast.at, in: zone))", style: Self.style, body: body)
    }

    private func dayCell(_ day: Forecast.Day) -> String {
        let sends = day.entries.reduce(0) { $0 + $1.sends }
        var out = "<div class=\"day\" id=\"day-\(day.date)\">\n<h2>\(HTMLPage.escape(HTMLPage.day(day.date)))</h2>\n"
        guard !day.entries.isEmpty else { return out + "<p class=\"muted\">No slots.</p>\n</div>\n" }
        out += "<p class=\"day-total\">\(HTMLPage.count(sends, "message", "messages")) to send</p>\n"
        for entry in day.entries {
            out += "<div class=\"entry\" data-schedule=\"\(HTMLPage.escape(entry.schedule))\"><p class=\"name\">\(HTMLPage.escape(entry.schedule))</p>"
            out += "<p><span class=\"tag send\">\(entry.sends) send</span> <span class=\"muted\">\(HTMLPage.count(entry.slots, "slot", "slots"))</span></p>"
            if entry.failedSlots > 0 {
                out += "<p class=\"failed\">\(HTMLPage.count(entry.failedSlots, "slot", "slots")) could not be evaluated: see the errors crier printed</p>"
            }
            for (reason, count) in entry.skips.sorted(by: { $0.key < $1.key }) {
                out += "<p><span class=\"tag skip\" title=\"\(HTMLPage.escape(PlanHTML.explain(reason)))\">\(HTMLPage.escape(reason)): \(count)</span></p>"
            }
            out += "</div>\n"
        }
        return out + "</div>\n"
    }

    /// Empty cells before the first day, so that days line up under Monday to Sunday.
    private static func leadingBlanks(_ first: LocalDate?) -> [String] {
        guard let first else { return [] }
        // LocalDate.weekday: 0 = Sunday ... 6 = Saturday; the grid starts on Monday.
        let mondayBased = (first.weekday + 6) % 7
        return Array(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].prefix(mondayBased))
    }

    private static let style = """
        .total .number { font-size: 28px; font-weight: 700; color: var(--send); margin-right: 6px; }
        .calendar { display: grid; grid-template-columns: repeat(7, minmax(150px, 1fr)); gap: 8px; margin: 16px 0; }
        .day, .blank { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px 10px; min-height: 140px; }
        .blank { background: transparent; border-style: dashed; color: transparent; }
        .day h2 { font-size: 15px; }
        .day-total { font-weight: 600; color: var(--send); }
        .entry { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 6px; font-size: 13px; }
        .entry p { margin: 2px 0; }
        .entry .name { font-weight: 600; overflow-wrap: anywhere; }
        .failed { color: var(--skip); }

        """
}
