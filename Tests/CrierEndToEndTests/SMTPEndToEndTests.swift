import CrierTestSupport
import Foundation
import GRDB
import Testing

/// `crier run` with `email.transport: smtp` against the aiosmtpd fixture on 127.0.0.1.
@Suite("SMTP delivery, end to end")
struct SMTPEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"
    static let password = "e2e-Secret-42"

    /// The SMS reminder of ConfigRepo, sent by email.
    static let schedule = ConfigRepo.reminder.replacingOccurrences(of: "channel: sms", with: "channel: email")
        .replacingOccurrences(of: "template: reminder", with: "template: visit")
        .replacingOccurrences(of: "phone AS recipient", with: "email AS recipient")

    static let template = """
        ---
        subject: "Your visit {{at.weekday}} — job {{key}}"
        ---
        Kia ora {{name}}, see you {{at.weekday}} at {{at.time}}.

        """

    static func config(smtp: String) -> String {
        """
        timezone: Pacific/Auckland
        snapshot: data/snapshot.sqlite
        ledger: state/ledger.sqlite
        catch_up: 6h
        email:
          from: "Acme Services <noreply@acme.example>"
          reply_to: office@acme.example
          transport: smtp
          smtp:
        \(smtp.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        sms:
          default_region: NZ
        outbox: outbox
        """
    }

    /// `count` appointments tomorrow morning (New Zealand), recipient `local(n)@example.net`.
    func makeSnapshot(_ repo: ConfigRepo, count: Int, local: (Int) -> String = { "client\($0)" }) throws {
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, email TEXT, name TEXT)")
            for n in 0..<count {
                try db.execute(sql: "INSERT INTO appointments VALUES (?, ?, ?, ?)",
                               arguments: [String(format: "J%03d", n), "2026-11-23T2\(n % 4):" + String(format: "%02d", n % 60) + ":00Z", "\(local(n))@example.net", "Client \(n)"])
            }
        }
        try queue.close()
    }

    @Test func startTLSWithAuthOverFourConnectionsSendsEachOnce() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile,
                                         "--require-starttls", "--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let repo = try ConfigRepo(config: Self.config(smtp: """
            url: \(server.url)
            tls: required
            username: crier
            password_env: CRIER_E2E_SMTP_PASSWORD
            ca_file: \(certificates.caFile)
            connections: 4
            """), schedules: ["visit.yaml": Self.schedule], templates: ["visit.email.mustache": Self.template])
        try makeSnapshot(repo, count: 40)
        let environment = ["CRIER_E2E_SMTP_PASSWORD": Self.password]
        let run = try repo.crier(["run", "--at", Self.at], environment: environment)
        #expect(run.code == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("sent 40, failed 0"))
        #expect(!run.out.contains(Self.password) && !run.err.contains(Self.password))

        let received = server.received()
        #expect(received.count == 40)
        #expect(Set(received.flatMap(\.recipients)).count == 40, "each client once")
        #expect(received.allSatisfy { $0.tls && $0.authenticated })
        #expect(received.allSatisfy { $0.mailFrom == "noreply@acme.example" })
        #expect(received.allSatisfy { $0.data.contains("Reply-To: office@acme.example") })
        let connections = Set(received.map(\.peerPort)).count
        #expect((2...4).contains(connections), "\(connections) connections")
        let ids = try repo.ledgerIDs()
        #expect(received.allSatisfy { message in ids.contains { message.data.contains("Message-ID: <\($0)@acme.example>") } })

        let again = try repo.crier(["run", "--at", "2026-11-23T17:30:00+13:00"], environment: environment)
        #expect(again.code == 0)
        #expect(server.received().count == 40, "a second run sends nothing")
    }

    @Test func overMaxPerDayTheRestWaitsForTheNextDay() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let repo = try ConfigRepo(config: Self.config(smtp: """
            url: \(server.url)
            tls: none
            max_per_day: 5
            """), schedules: ["visit.yaml": Self.schedule], templates: ["visit.email.mustache": Self.template])
        try makeSnapshot(repo, count: 12)
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json"])
        #expect(plan.code == 0)
        #expect(plan.out.components(separatedBy: "\"reason\": \"daily-cap\"").count - 1 == 7, "the preview says who waits")

        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 0, "a cap is not a failure: \(first.out)")
        #expect(first.out.contains("sent 5"))
        #expect(first.out.contains("waiting for room under max_per_day 7"))
        #expect(server.received().count == 5)

        let later = try repo.crier(["run", "--at", "2026-11-23T23:00:00+13:00"])
        #expect(later.out.contains("sent 0"), "\(later.out)")
        #expect(server.received().count == 5, "still the same day")

        let nextDay = try repo.crier(["run", "--at", "2026-11-24T00:10:00+13:00"])
        #expect(nextDay.out.contains("sent 5"), "\(nextDay.out)")
        // The two still waiting the day after remind of visits that have started: withdrawn (SPEC §5).
        let dayAfter = try repo.crier(["run", "--at", "2026-11-25T00:10:00+13:00"])
        #expect(dayAfter.out.contains("sent 0"), "\(dayAfter.out)")
        #expect(dayAfter.out.contains("withdrawn before delivery 2"), "\(dayAfter.out)")
        #expect(try repo.ledgerCount("SELECT COUNT(*) FROM items WHERE state = 'skipped' AND reason = 'event-started'") == 2)
        let received = server.received()
        #expect(received.count == 10)
        #expect(Set(received.flatMap(\.recipients)).count == 10, "each once")
    }

    @Test func a451IsLeftForTheNextRunWithExit75AndA550FailsAlone() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let repo = try ConfigRepo(config: Self.config(smtp: "url: \(server.url)\ntls: none"),
                                  schedules: ["visit.yaml": Self.schedule], templates: ["visit.email.mustache": Self.template])
        try makeSnapshot(repo, count: 4) { n in ["client0", "defer1", "reject2", "client3"][n] }
        let run = try repo.crier(["run", "--at", Self.at], environment: ["CRIER_RETRY_DELAY_MS": "1"])
        #expect(run.code == 1, "a permanent failure wins over a transient one: \(run.out)")
        #expect(run.out.contains("sent 2, failed 1, left for retry 1"))
        #expect(run.out.contains("550 5.1.1 <reject2@example.net>: mailbox unavailable"))
        #expect(server.received().count == 2)
        let failures = try repo.crier(["failures", "--at", "2026-11-23T18:00:00+13:00"])
        #expect(failures.code == 1)
        #expect(failures.out.contains("reject2@example.net"))
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending' AND last_error LIKE '%451%'") == 1)
    }
}

extension ConfigRepo {
    /// The ids of the ledger's items.
    func ledgerIDs() throws -> [String] {
        let queue = try DatabaseQueue(path: root + "/state/ledger.sqlite")
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM items") }
    }
}
