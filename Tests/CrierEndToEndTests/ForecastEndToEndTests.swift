import CrierTestSupport
import Foundation
import Testing

/// `crier forecast`: every slot of the coming days over today's snapshot and ledger.
@Suite("crier forecast, end to end", .serialized)
struct ForecastEndToEndTests {
    /// A daily 17:00 SMS reminder, an hourly overdue SMS (a day after the appointment) and a
    /// change schedule; three appointments a day on 24, 25 and 26 November (09:00 NZDT), the
    /// phone of J1004 opted out, and a real run that sent the first three overdue messages.
    static func repo() throws -> ConfigRepo {
        let late = """
            cron: "0 * * * *"
            channel: sms
            template: late
            trigger:
              overdue: { since: starts_at, after: 1 day }
            query: |
              SELECT job AS key, starts_at, phone AS recipient, name FROM appointments
              WHERE starts_at <= :window_end ORDER BY starts_at
            """
        let watch = """
            cron: "*/5 * * * *"
            channel: sms
            template: late
            trigger:
              change: { on: [enter] }
            query: SELECT job AS key, phone AS recipient, name FROM appointments
            """
        let repo = try ConfigRepo(
            schedules: ["reminder.yaml": ConfigRepo.reminder, "late.yaml": late, "watch.yaml": watch],
            templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate,
                        "late.sms.mustache": "Job {{key}} for {{name}} is still open.\n"])
        try repo.makeSnapshot(count: 9) { n in "2026-11-2\(3 + n / 3)T20:00:00Z" }
        #expect(try repo.crier(["optout", "add", "021 1000004"]).code == 0)
        let run = try repo.crier(["run", "--at", "2026-11-25T09:00:00+13:00", "--schedule", "late"])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("sent 3,"))
        return repo
    }

    static let at = "2026-11-25T09:30:00+13:00"

    @Test func countsEachKeyOnceRecordsNothingAndSaysWhatCannotBeForecast() throws {
        let repo = try Self.repo()
        let ledger = repo.root + "/state/ledger.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger))
        let first = try repo.crier(["forecast", "--at", Self.at, "--days", "2", "--format", "json"])
        #expect(first.code == 0, "\(first.err)")
        #expect(try repo.crier(["forecast", "--at", Self.at, "--days", "2", "--format", "json"]).out == first.out, "same bytes")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == before, "the ledger is not written")
        #expect(try repo.ledgerCount("SELECT count(*) FROM runs") == 1)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [String: Any])
        let days = try #require(json["days"] as? [[String: Any]])
        #expect(days.map { $0["date"] as? String } == ["2026-11-25", "2026-11-26"])
        func entry(_ day: Int, _ schedule: String) -> [String: Any]? {
            (days[day]["schedules"] as? [[String: Any]])?.first { $0["schedule"] as? String == schedule }
        }
        // 25 November: the overdue schedule's 14 hourly slots find the three keys the real run
        // sent (counted once, not 14 times); the 17:00 reminder is for the 26th (J1006 to J1008).
        #expect(entry(0, "late")?["slots"] as? Int == 14)
        #expect(entry(0, "late")?["send"] as? Int == 0)
        #expect(entry(0, "late")?["skip"] as? [String: Int] == ["already-sent": 3])
        #expect(entry(0, "reminder")?["send"] as? Int == 3)
        #expect(entry(0, "reminder")?["skip"] as? [String: Int] == [:])
        // 26 November: J1003 to J1005 become overdue at 09:00 and are sent once, not every hour;
        // J1004's opt-out is counted once too.
        #expect(entry(1, "late")?["slots"] as? Int == 24)
        #expect(entry(1, "late")?["send"] as? Int == 2)
        #expect(entry(1, "late")?["skip"] as? [String: Int] == ["opted-out": 1])
        #expect(entry(1, "reminder")?["send"] as? Int == 0)
        let notes = try #require(json["schedules"] as? [[String: Any]])
        let watch = try #require(notes.first { $0["schedule"] as? String == "watch" })
        #expect(watch["forecast"] as? Bool == false)
        #expect((watch["reason"] as? String)?.hasPrefix("cannot be forecast: a change trigger") == true)

        let table = try repo.crier(["forecast", "--at", Self.at, "--days", "2"])
        #expect(table.code == 0)
        #expect(table.out.contains("Not forecast:\n  watch: cannot be forecast"))
        #expect(table.out.contains("5 message(s) to send over 2 day(s); nothing recorded."))
        #expect(try repo.crier(["forecast", "--days", "0"]).code == 64)
    }

    @Test func htmlDayGridInABrowser() throws {
        guard let browser = HeadlessChromium.find() else {
            Issue.record("chromium is not installed: run ./contrib/install-deps.sh")
            return
        }
        let repo = try Self.repo()
        let made = try repo.crier(["forecast", "--at", Self.at, "--days", "7", "--format", "html", "-o", "forecast.html"])
        #expect(made.code == 0, "\(made.err)")
        #expect(made.err.contains("wrote the forecast to forecast.html"))
        let dom = try browser.dumpDOM(repo.root + "/forecast.html")
        let text = PlanHTMLEndToEndTests.text(of: dom)
        #expect(text.contains("What crier would send in the next 7 days"))
        #expect(text.contains("8 messages to send"), "2 on the 26th, 3 on the 27th as well")
        #expect(dom.contains("<div class=\"day\" id=\"day-2026-11-26\">\n<h2>Thursday 26 November</h2>\n<p class=\"day-total\">2 messages to send</p>"))
        #expect(dom.contains("<div class=\"day\" id=\"day-2026-12-01\">\n<h2>Tuesday 1 December</h2>\n<p class=\"day-total\">0 messages to send</p>"))
        #expect(text.contains("watch: cannot be forecast"))
        #expect(dom.firstMatch(of: try Regex(#"\s(?:src|href)=""#)) == nil, "nothing to fetch")
        let png = ProcessInfo.processInfo.environment["CRIER_SCREENSHOT_DIR"].map { $0 + "/forecast.png" } ?? repo.root + "/forecast.png"
        try browser.screenshot(repo.root + "/forecast.html", to: png, width: 1400, height: 900)
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(image.count > 20_000, "\(image.count) bytes")
    }
}
