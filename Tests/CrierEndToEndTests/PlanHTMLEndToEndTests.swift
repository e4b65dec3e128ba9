import CrierTestSupport
import Foundation
import GRDB
import Testing

/// `crier plan --format html`, loaded in a real headless Chromium.
@Suite("crier plan --format html, in a headless browser", .serialized)
struct PlanHTMLEndToEndTests {
    /// The day before the appointments the preview is about (their reminders run at 17:00).
    static let at = "2026-11-24T17:00:00+13:00"

    /// A repository with an SMS and an email reminder (the email's HTML alternative asks for
    /// images and a style sheet from `port`), appointments on 24 and 25 November, one opted-out
    /// number, and one email of an earlier run left pending (its SMTP server refused).
    static func repo(listenerPort port: Int) throws -> ConfigRepo {
        let config = """
            timezone: Pacific/Auckland
            snapshot: data/snapshot.sqlite
            ledger: state/ledger.sqlite
            catch_up: 6h
            email:
              from: "Acme Services <noreply@acme.example>"
              reply_to: office@acme.example
              transport: smtp
              smtp: { url: "smtp://127.0.0.1:1", tls: none }
            sms:
              default_region: NZ
            outbox: outbox
            """
        let email = """
            description: Email the day before each appointment
            cron: "0 17 * * *"
            channel: email
            template: details
            trigger:
              upcoming: { interval: 1 day, at: starts_at }
            query: |
              SELECT job AS key, starts_at, email AS recipient, name FROM appointments
              WHERE starts_at >= :window_start AND starts_at < :window_end
              ORDER BY starts_at
            """
        let repo = try ConfigRepo(
            config: config,
            schedules: ["reminder.yaml": "description: SMS the day before each appointment\n" + ConfigRepo.reminder, "details.yaml": email],
            templates: [
                "reminder.sms.mustache": ConfigRepo.reminderTemplate,
                "details.email.mustache": "---\nsubject: \"Your visit on {{at.weekday}}\"\n---\nHello {{name}}, see you at {{at.time}}.\n",
                "details.email.html.mustache": """
                    <link rel="stylesheet" href="http://127.0.0.1:\(port)/style.css">
                    <p>Hello <b>{{name}}</b>, see you at {{at.time}}.</p>
                    <img src="http://127.0.0.1:\(port)/pixel.png" alt="">
                    <div style="background: url(http://127.0.0.1:\(port)/background.png)">Acme</div>
                    """,
            ])
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, phone TEXT, email TEXT, name TEXT)")
            let rows: [[(any DatabaseValueConvertible)?]] = [
                ["J0", "2026-11-23T19:00:00Z", "021 100 0000", "zoe@example.com", "Zoe"],  // 24 Nov: the earlier run
                ["J1", "2026-11-24T19:00:00Z", "021 100 0001", "ana@example.com", "Ana & Bo"],
                ["J2", "2026-11-24T19:30:00Z", "021 100 0002", "cy@example.com", "Cy"],  // the phone opted out
                ["J3", "2026-11-24T20:00:00Z", "12", "not-an-email", "Di"],
                ["J4", "2026-11-24T20:30:00Z", "021 100 0004", "ed@example.com", nil],
            ]
            for row in rows { try db.execute(sql: "INSERT INTO appointments VALUES (?, ?, ?, ?, ?)", arguments: StatementArguments(row)) }
        }
        try queue.close()
        #expect(try repo.crier(["optout", "add", "021 100 0002"]).code == 0)
        let earlier = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(earlier.code == 75, "the refused SMTP server leaves the email pending: \(earlier.err)")
        return repo
    }

    @Test func previewShowsBubblesCardsReasonsAndBacklogAndFetchesNothing() throws {
        guard let browser = HeadlessChromium.find() else {
            Issue.record("chromium is not installed: run ./contrib/install-deps.sh")
            return
        }
        let listener = try ConnectionCounter()
        let repo = try Self.repo(listenerPort: listener.port)
        let made = try repo.crier(["plan", "--at", Self.at, "--format", "html", "-o", "plan.html"])
        #expect(made.code == 0, "\(made.err)")
        #expect(made.err.contains("wrote the plan preview to plan.html"))
        let html = try String(contentsOfFile: repo.root + "/plan.html", encoding: .utf8)
        #expect(try repo.crier(["plan", "--at", Self.at, "--format", "html", "-o", "again.html"]).code == 0)
        #expect(try String(contentsOfFile: repo.root + "/again.html", encoding: .utf8) == html, "same inputs, same bytes")
        // No script, and a policy that forbids any (script-src falls back to default-src 'none'):
        // what the browser shows is what a reader with JavaScript off sees.
        #expect(!html.contains("<script"))
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:;"))
        #expect(!html.contains("script-src"))

        let dom = try browser.dumpDOM(repo.root + "/plan.html")
        let text = Self.text(of: dom)
        #expect(text.contains("1 text message to send"))
        #expect(text.contains("2 emails to send"))
        #expect(text.contains("5 not sent"))
        #expect(text.contains("1 waiting from earlier runs"))
        #expect(text.contains("Hi Ana & Bo, see you Wednesday at 08:00 (job J1)."), "one bubble's text")
        #expect(dom.contains("<p class=\"bubble\">Hi Ana &amp; Bo, see you Wednesday at 08:00 (job J1)."))
        #expect(text.contains("1 segment · GSM-7"))
        for reason in ["invalid-address 2", "missing-variable: name 2", "opted-out 1"] {
            #expect(text.contains(reason), "reason count \(reason)")
        }
        // The email card: headers, text, and the HTML alternative in a sandboxed frame.
        #expect(text.contains("FromAcme Services <noreply@acme.example>Toana@example.com"))
        #expect(text.contains("Reply-Tooffice@acme.example"))
        #expect(text.contains("SubjectYour visit on Wednesday"))
        #expect(dom.contains("<iframe sandbox=\"\""))
        #expect(dom.contains("srcdoc=\"&lt;meta http-equiv=&quot;Content-Security-Policy&quot;"))
        // The backlog: the email the refused server left pending, with its error.
        #expect(text.contains("Waiting from earlier runs"))
        #expect(text.contains("zoe@example.com"))
        // Nothing of the page points anywhere: only in-page anchors.
        let links = try Regex(#"\s(?:src|href)="([^"]*)""#)
        for match in dom.matches(of: links) {
            let target = String(match.output[1].substring ?? "")
            #expect(target.hasPrefix("#"), "a link that leaves the page: \(target)")
        }

        let png = ProcessInfo.processInfo.environment["CRIER_SCREENSHOT_DIR"].map { $0 + "/plan.png" } ?? repo.root + "/plan.png"
        try browser.screenshot(repo.root + "/plan.html", to: png)
        let image = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(image.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
        #expect(image.count > 20_000, "a screenshot with content, not a blank page (\(image.count) bytes)")

        #expect(listener.requests.isEmpty, "the preview fetched \(listener.requests)")
        // The same markup without the preview's policy does reach the listener: the check above can fail.
        let control = repo.root + "/control.html"
        try "<img src=\"http://127.0.0.1:\(listener.port)/control.png\">".write(toFile: control, atomically: true, encoding: .utf8)
        _ = try browser.dumpDOM(control)
        #expect(listener.requests.contains { $0.contains("/control.png") }, "the control page reached the listener: \(listener.requests)")
    }

    @Test func reasonFilterWorksWithoutJavaScript() throws {
        guard let browser = HeadlessChromium.find() else {
            Issue.record("chromium is not installed: run ./contrib/install-deps.sh")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") else {
            Issue.record("pdftotext is not installed: run ./contrib/install-deps.sh")
            return
        }
        let listener = try ConnectionCounter()
        let repo = try Self.repo(listenerPort: listener.port)
        #expect(try repo.crier(["plan", "--at", Self.at, "--format", "html", "-o", "plan.html"]).code == 0)
        let html = try String(contentsOfFile: repo.root + "/plan.html", encoding: .utf8)
        let link = try #require(html.firstMatch(of: try Regex(##"href="#(show-r\d+)" class="reason" title="[^"]*" data-reason="opted-out""##)))
        let anchor = String(link.output[1].substring ?? "")

        let everything = try Self.printedText(browser, repo.root + "/plan.html", fragment: "", in: repo.root)
        #expect(everything.contains("Hi Ana & Bo"))
        #expect(everything.contains("+64211000002"))
        let filtered = try Self.printedText(browser, repo.root + "/plan.html", fragment: anchor, in: repo.root)
        #expect(filtered.contains("+64211000002"), "the opted-out SMS stays")
        #expect(filtered.contains("Not sent: opted-out."))
        #expect(!filtered.contains("Hi Ana & Bo"), "messages to send are hidden")
        #expect(!filtered.contains("zoe@example.com"), "the backlog is hidden")
        #expect(listener.requests.isEmpty, "the preview fetched \(listener.requests)")
    }

    /// The text a reader sees of `file#fragment`: printed to PDF, read back with pdftotext.
    static func printedText(_ browser: HeadlessChromium, _ file: String, fragment: String, in folder: String) throws -> String {
        let pdf = folder + "/printed-\(UUID().uuidString).pdf"
        try browser.printToPDF(file, fragment: fragment, to: pdf)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        process.arguments = [pdf, pdf + ".txt"]
        try process.run()
        process.waitUntilExit()
        return try String(contentsOfFile: pdf + ".txt", encoding: .utf8)
    }

    /// The text of an HTML document: tags dropped, the five entities decoded.
    static func text(of html: String) -> String {
        html.replacing(try! Regex("<[^>]*>"), with: "")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
