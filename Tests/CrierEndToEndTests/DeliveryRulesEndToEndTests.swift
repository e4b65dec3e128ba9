import CrierTestSupport
import Foundation
import GRDB
import Testing

/// SPEC §5 against a real SMTP server on 127.0.0.1: items left pending by an outage are checked
/// again when they are finally delivered.
@Suite("Delivery-time rules, end to end")
struct DeliveryRulesEndToEndTests {
    static let at = SMTPEndToEndTests.at

    /// A port on 127.0.0.1 where nothing listens (connections are refused): an SMTP server that is down.
    func downPort() throws -> Int {
        let server = try SMTPTestServer()
        let port = server.port
        server.stop()
        return port
    }

    func repo(smtpURL: String, schedules: [String: String] = ["visit.yaml": SMTPEndToEndTests.schedule],
              extra: String = "") throws -> ConfigRepo {
        try ConfigRepo(config: SMTPEndToEndTests.config(smtp: "url: \(smtpURL)\ntls: none") + extra, schedules: schedules,
                       templates: ["visit.email.mustache": SMTPEndToEndTests.template])
    }

    /// Points crier.yaml at another SMTP server (the outage is fixed).
    func fix(_ repo: ConfigRepo, smtpURL: String, extra: String = "") throws {
        try (SMTPEndToEndTests.config(smtp: "url: \(smtpURL)\ntls: none") + extra)
            .write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
    }

    func reasons(_ repo: ConfigRepo, _ reason: String) throws -> Int {
        try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'skipped' AND reason = '\(reason)'")
    }

    @Test func smtpDownAt17ForTwoDaysThenFixedSendsNoReminderForAStartedEvent() throws {
        let repo = try repo(smtpURL: "smtp://127.0.0.1:\(try downPort())")
        // Eight visits on the 24th, 09:00 to 12:07 in Auckland.
        try SMTPEndToEndTests().makeSnapshot(repo, count: 8)
        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 75, "\(first.out)\(first.err)")
        #expect(first.out.contains("sent 0, failed 0, left for retry 8"), "\(first.out)")

        // 10:30 the next morning, still down: the four visits of 09:xx and 10:0x have started.
        let morning = try repo.crier(["run", "--at", "2026-11-24T10:30:00+13:00"])
        #expect(morning.code == 75, "\(morning.out)\(morning.err)")
        #expect(morning.out.contains("withdrawn before delivery 4"), "\(morning.out)")
        #expect(try reasons(repo, "event-started") == 4)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 4)

        // Fixed two days later: every reminder is moot, none goes out late.
        let server = try SMTPTestServer()
        defer { server.stop() }
        try fix(repo, smtpURL: server.url)
        let fixed = try repo.crier(["run", "--at", "2026-11-25T17:00:00+13:00"])
        #expect(fixed.code == 0, "\(fixed.out)\(fixed.err)")
        #expect(fixed.out.contains("sent 0, failed 0, left for retry 0"), "\(fixed.out)")
        #expect(fixed.out.contains("withdrawn before delivery 4"), "\(fixed.out)")
        #expect(server.received().isEmpty, "no reminder after its appointment")
        #expect(try reasons(repo, "event-started") == 8, "each is recorded event-started")
        let history = try repo.crier(["history", "--key", "J007"])
        #expect(history.out.contains("event-started"), "\(history.out)")
    }

    @Test func anOptOutQueryChangeBetweenTwoRunsWithdrawsPendingItems() throws {
        let optOut = "\nopt_out_query: SELECT email AS address FROM appointments WHERE opted_out = 1\n"
        let repo = try repo(smtpURL: "smtp://127.0.0.1:\(try downPort())", extra: optOut)
        try SMTPEndToEndTests().makeSnapshot(repo, count: 4)
        let snapshot = repo.root + "/data/snapshot.sqlite"
        try setOptedOut(snapshot, [])
        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 75, "\(first.out)\(first.err)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 4)

        // The business system marks two clients opted out; the next snapshot says so.
        try setOptedOut(snapshot, ["client1@example.net", "client2@example.net"])
        let server = try SMTPTestServer()
        defer { server.stop() }
        try fix(repo, smtpURL: server.url, extra: optOut)
        let second = try repo.crier(["run", "--at", "2026-11-23T17:30:00+13:00"])
        #expect(second.code == 0, "\(second.out)\(second.err)")
        #expect(second.out.contains("sent 2"), "\(second.out)")
        #expect(second.out.contains("withdrawn before delivery 2"), "\(second.out)")
        #expect(Set(server.received().flatMap(\.recipients)) == ["client0@example.net", "client3@example.net"])
        #expect(try repo.ledgerCount("""
            SELECT count(*) FROM items WHERE state = 'skipped' AND reason = 'opted-out'
            AND recipient IN ('client1@example.net', 'client2@example.net')
            """) == 2)
    }

    @Test func anItemPastItsSchedulesExpiresAfterIsExpiredAndOthersStillGo() throws {
        let soon = SMTPEndToEndTests.schedule + "\nexpires_after: 2 hours\n"
        let repo = try repo(smtpURL: "smtp://127.0.0.1:\(try downPort())", schedules: ["visit.yaml": SMTPEndToEndTests.schedule, "visit-soon.yaml": soon])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 3)
        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 75, "\(first.out)\(first.err)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 6)

        let server = try SMTPTestServer()
        defer { server.stop() }
        try fix(repo, smtpURL: server.url)
        // 2.5 hours after the 17:00 slot: visit-soon's items are too old, visit's (24h) are not.
        let later = try repo.crier(["run", "--at", "2026-11-23T19:30:00+13:00"])
        #expect(later.code == 0, "\(later.out)\(later.err)")
        #expect(later.out.contains("sent 3"), "\(later.out)")
        #expect(later.out.contains("withdrawn before delivery 3"), "\(later.out)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'skipped' AND reason = 'expired' AND schedule = 'visit-soon'") == 3)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent' AND schedule = 'visit'") == 3)
        #expect(server.received().count == 3)
    }

    @Test func aFailedReminderRetriedAfterItsEventStartedIsWithdrawnNotSent() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let repo = try repo(smtpURL: server.url)
        // Visits at 09:00 and 10:01 on the 24th; the server refuses both mailboxes (550).
        try SMTPEndToEndTests().makeSnapshot(repo, count: 2) { "reject\($0)" }
        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 1, "\(first.out)\(first.err)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'failed'") == 2)

        // The mailboxes are fixed and both are put back at 09:30: the 09:00 visit has started.
        let retry = try repo.crier(["retry", "--failed", "--at", "2026-11-24T09:30:00+13:00"])
        #expect(retry.code == 0, "\(retry.out)\(retry.err)")
        let later = try repo.crier(["run", "--at", "2026-11-24T09:30:00+13:00"])
        #expect(later.out.contains("withdrawn before delivery 1"), "\(later.out)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE key = 'J000' AND state = 'skipped' AND reason = 'event-started'") == 1)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE key = 'J001' AND state = 'failed'") == 1, "tried again, refused again")
        #expect(server.received().isEmpty)
    }

    @Test func executeChecksAPlanMadeYesterdayAgainstTheEventTimesItRendersAgain() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        // Appointments at 09:00, 10:00, 11:00 and 12:00 on the 24th (Auckland).
        try repo.makeSnapshot(count: 4) { n in "2026-11-23T2\(n):00:00Z" }
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json", "-o", "plan.json"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(!(try String(contentsOfFile: repo.root + "/plan.json", encoding: .utf8)).contains("event"), "the plan file carries no event time")
        // Reviewed overnight, executed at 10:30: two appointments have started.
        let execute = try repo.crier(["execute", "plan.json", "--at", "2026-11-24T10:30:00+13:00"])
        #expect(execute.code == 0, "\(execute.out)\(execute.err)")
        #expect(execute.out.contains("sent 2"), "\(execute.out)")
        #expect(execute.out.contains("withdrawn before delivery 2"), "\(execute.out)")
        #expect(repo.outbox().count == 2)
        #expect(try reasons(repo, "event-started") == 2)
    }

    @Test func smsLeftPendingWaitsThroughQuietHoursAndGoesOutInTheMorning() throws {
        func config(_ url: String) -> String {
            ConfigRepo.defaultConfig + """

                quiet_hours: "21:00-08:00"
                sms:
                  transport: http
                  default_region: NZ
                  http: { url: "\(url)", format: json, password_env: CRIER_E2E_QH_TOKEN }
                """
        }
        let environment = ["CRIER_E2E_QH_TOKEN": "qh-token", "CRIER_RETRY_DELAY_MS": "1"]
        let down = try downPort()
        let repo = try ConfigRepo(config: config("http://127.0.0.1:\(down)/messages").replacingOccurrences(of: "sms:\n  default_region: NZ\n", with: ""),
                                  schedules: ["reminder.yaml": ConfigRepo.reminder], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        // Appointments at 09:00, 10:00 and 11:00 on the 24th (Auckland).
        try repo.makeSnapshot(count: 3) { n in "2026-11-23T2\(n):00:00Z" }
        let first = try repo.crier(["run", "--at", Self.at], environment: environment)
        #expect(first.code == 75, "the gateway is down: \(first.out)\(first.err)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 3)

        let gateway = try HTTPGatewayTestServer()
        defer { gateway.stop() }
        try config(gateway.url()).replacingOccurrences(of: "sms:\n  default_region: NZ\n", with: "")
            .write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
        let night = try repo.crier(["run", "--at", "2026-11-23T21:30:00+13:00"], environment: environment)
        #expect(night.code == 0, "\(night.out)\(night.err)")
        #expect(night.out.contains("sent 0"), "\(night.out)")
        #expect(night.out.contains("waiting for the end of quiet hours 3"), "\(night.out)")
        #expect(gateway.requests().isEmpty, "no phone buzzes at night")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 3)

        let morning = try repo.crier(["run", "--at", "2026-11-24T08:00:00+13:00"], environment: environment)
        #expect(morning.code == 0, "\(morning.out)\(morning.err)")
        #expect(morning.out.contains("sent 3"), "\(morning.out)")
        #expect(gateway.requests().count == 3)
    }

    /// Adds (once) and sets the `opted_out` column of the SMTP tests' appointments.
    func setOptedOut(_ path: String, _ emails: [String]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            if try !db.columns(in: "appointments").contains(where: { $0.name == "opted_out" }) {
                try db.execute(sql: "ALTER TABLE appointments ADD COLUMN opted_out INTEGER NOT NULL DEFAULT 0")
            }
            try db.execute(sql: "UPDATE appointments SET opted_out = 0")
            for email in emails { try db.execute(sql: "UPDATE appointments SET opted_out = 1 WHERE email = ?", arguments: [email]) }
        }
        try queue.close()
    }
}
