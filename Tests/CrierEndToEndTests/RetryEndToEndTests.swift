import CrierTestSupport
import Foundation
import Testing

/// `crier retry` and `crier failures`' long-pending items, over the aiosmtpd fixture on
/// 127.0.0.1: a configuration fault is listed, fixed, and everything goes out once.
@Suite("crier retry, end to end")
struct RetryEndToEndTests {
    static let at = SMTPEndToEndTests.at
    static let password = SMTPEndToEndTests.password
    static let withLogin = "tls: none\nusername: crier\npassword_env: CRIER_E2E_PW"

    /// The ids of the items in `state`, from `crier history --format json` (any ledger).
    static func ids(_ repo: ConfigRepo, state: String, config: [String] = []) throws -> [String] {
        let history = try repo.crier(["history", "--format", "json"] + config)
        let entries = try JSONSerialization.jsonObject(with: Data(history.out.utf8)) as? [[String: Any]] ?? []
        return entries.filter { $0["state"] as? String == state }.compactMap { $0["id"] as? String }.sorted()
    }

    /// The item ids of the messages the server received (`Message-ID: <ITEM_ID@acme.example>`).
    static func receivedIDs(_ server: SMTPTestServer) -> [String] {
        server.received().compactMap(PostgresRepo.itemID).sorted()
    }

    @Test func aRelayThatWantsALoginFailsEveryItemAndAfterTheFixRetrySendsEachOnce() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", Self.password, "--relay-needs-auth"])
        defer { server.stop() }
        let repo = try FaultEndToEndTests().smtpRepo("url: \(server.url)\ntls: none", count: 6)
        let first = try repo.crier(["run", "--at", Self.at])
        #expect(first.code == 1, "\(first.out)\(first.err)")
        #expect(first.out.contains("sent 0, failed 6"), "\(first.out)")
        let failed = try Self.ids(repo, state: "failed")
        #expect(failed.count == 6)
        let listed = try repo.crier(["failures", "--at", "2026-11-23T17:10:00+13:00"])
        #expect(listed.code == 1)
        #expect(failed.allSatisfy { listed.out.contains($0) }, "each failed item with the id retry takes: \(listed.out)")
        #expect(listed.out.contains("Relay access denied") && listed.out.contains("crier retry --failed"), "\(listed.out)")

        // The fix: the login the relay wants. Then retry and run.
        try SMTPEndToEndTests.config(smtp: "url: \(server.url)\n" + Self.withLogin)
            .write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
        let retry = try repo.crier(["retry", "--failed", "--at", "2026-11-23T17:20:00+13:00"])
        #expect(retry.code == 0, "\(retry.out)\(retry.err)")
        #expect(retry.out.contains("6 item(s) put back to pending"), "\(retry.out)")
        let history = try repo.crier(["history", "--item", failed[0]])
        #expect(history.code == 0)
        #expect(history.out.contains("retried") && history.out.contains("by \(ProcessInfo.processInfo.userName) on ")
                && history.out.contains("was failed: smtp <") && history.out.contains("2026-11-23T04:20:00Z"), "who, what it was, when: \(history.out)")
        let fixed = try repo.crier(["run", "--at", "2026-11-23T17:25:00+13:00"], environment: ["CRIER_E2E_PW": Self.password])
        #expect(fixed.code == 0, "\(fixed.out)\(fixed.err)")
        #expect(fixed.out.contains("sent 6, failed 0"), "\(fixed.out)")
        #expect(Self.receivedIDs(server) == failed, "each retried item once, under its own Message-ID")
        #expect(server.received().allSatisfy { $0.authenticated })

        // Nothing is left: another retry and run send nothing more.
        let again = try repo.crier(["retry", "--failed", "--at", "2026-11-23T17:30:00+13:00"])
        #expect(again.code == 0)
        #expect(again.out.contains("No failed items in the last 24h: nothing to retry."), "\(again.out)")
        let idle = try repo.crier(["run", "--at", "2026-11-23T17:35:00+13:00"], environment: ["CRIER_E2E_PW": Self.password])
        #expect(idle.code == 0 && idle.out.contains("sent 0,"), "\(idle.out)")
        #expect(server.received().count == 6)
        let clean = try repo.crier(["failures", "--at", "2026-11-23T17:40:00+13:00"])
        #expect(clean.code == 0, "\(clean.out)")
    }

    @Test func aWrongPasswordLeavesItemsPendingThatFailuresListsAfterAnHour() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let repo = try FaultEndToEndTests().smtpRepo("url: \(server.url)\n" + Self.withLogin, count: 5)
        let wrong = ["CRIER_E2E_PW": "not-the-password"]
        #expect(try repo.crier(["run", "--at", Self.at], environment: wrong).code == 65)
        let soon = try repo.crier(["failures", "--at", "2026-11-23T17:50:00+13:00"])
        #expect(soon.code == 0, "50 minutes is not over an hour: \(soon.out)")
        // Later runs meet the same fault; they do not restart the items' wait.
        #expect(try repo.crier(["run", "--at", "2026-11-23T18:10:00+13:00"], environment: wrong).code == 65)
        let listed = try repo.crier(["failures", "--at", "2026-11-23T18:15:00+13:00"])
        #expect(listed.code == 1, "a fault that persists is never silent: \(listed.out)")
        #expect(listed.out.contains("WAITING SINCE (UTC)") && listed.out.contains("2026-11-23T04:00:00Z"), "\(listed.out)")
        #expect(listed.out.contains("refused the username and password"), "\(listed.out)")
        #expect(listed.out.contains("5 item(s) pending for over an hour"), "\(listed.out)")
        #expect(!listed.out.contains("not-the-password"))

        let retry = try repo.crier(["retry", "--failed", "--at", "2026-11-23T18:20:00+13:00"])
        #expect(retry.code == 0, "\(retry.err)")
        #expect(retry.out.contains("No failed items in the last 24h: nothing to retry. 5 item(s) are pending: the next run delivers them."),
                "\(retry.out)")
        let fixed = try repo.crier(["run", "--at", "2026-11-23T18:25:00+13:00"], environment: ["CRIER_E2E_PW": Self.password])
        #expect(fixed.code == 0, "\(fixed.out)\(fixed.err)")
        #expect(fixed.out.contains("sent 5, failed 0"), "\(fixed.out)")
        #expect(Set(Self.receivedIDs(server)).count == 5 && server.received().count == 5, "each once")
        #expect(try repo.crier(["failures", "--at", "2026-11-23T19:30:00+13:00"]).code == 0)
    }

    @Test func anUncertainItemGoesBackOnlyWhenNamedWithUncertain() throws {
        let server = try SMTPTestServer(["--slow", "2"])
        defer { server.stop() }
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: "url: \(server.url)\ntls: none"),
                                  schedules: ["visit.yaml": SMTPEndToEndTests.schedule], templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 1) { "slow\($0)" }
        // Killed between handing the message over and the server's reply: uncertain.
        let killed = try repo.start(["run", "--at", Self.at])
        let deadline = Date(timeIntervalSinceNow: 20)
        while (try? repo.ledgerCount("SELECT count(*) FROM items WHERE handed_over_at IS NOT NULL")) != 1, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        let settle = try repo.crier(["run", "--at", "2026-11-23T17:05:00+13:00"])
        #expect(settle.code == 1, "\(settle.out)\(settle.err)")
        let id = try #require(try Self.ids(repo, state: "uncertain").first)

        let bulk = try repo.crier(["retry", "--failed", "--at", "2026-11-23T17:10:00+13:00"])
        #expect(bulk.code == 0 && bulk.out.contains("No failed items"), "uncertain items never go back in bulk: \(bulk.out)")
        let unnamed = try repo.crier(["retry", id])
        #expect(unnamed.code == 64)
        #expect(unnamed.err.contains("item \(id) is uncertain: its message may have reached the recipient")
                && unnamed.err.contains("crier retry --uncertain \(id)"), "\(unnamed.err)")
        let both = try repo.crier(["retry", "--failed", "--uncertain"])
        #expect(both.code == 64 && both.err.contains("one by one, never in bulk"), "\(both.err)")
        #expect(try Self.ids(repo, state: "uncertain") == [id], "a refused retry changes nothing")

        let named = try repo.crier(["retry", "--uncertain", id, "--at", "2026-11-23T17:10:00+13:00"])
        #expect(named.code == 0 && named.out.contains("Put back to pending: \(id)"), "\(named.out)\(named.err)")
        let history = try repo.crier(["history", "--item", id])
        for step in ["handed-over", "uncertain", "retried", "was uncertain"] { #expect(history.out.contains(step), "\(step): \(history.out)") }
        let resend = try repo.crier(["run", "--at", "2026-11-23T17:15:00+13:00"])
        #expect(resend.code == 0 && resend.out.contains("sent 1,"), "\(resend.out)\(resend.err)")
        #expect(try Self.ids(repo, state: "sent") == [id])
        let copies = Self.receivedIDs(server)
        #expect(copies.last == id && copies.allSatisfy { $0 == id } && copies.count <= 2,
                "at most the uncertain copy and the one the operator asked for, both with the same Message-ID: \(copies)")
    }

    @Test func retryRefusesWhileARunHoldsTheLedgerAndNamesWhatItCannotPutBack() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 30) { n in "2026-11-23T2\(n % 4):\(String(format: "%02d", n)):00Z" }
        let early = try repo.crier(["retry", "--failed"])
        #expect(early.code == 0 && early.out.contains("No ledger yet"), "\(early.out)\(early.err)")
        #expect(try repo.crier(["retry", "0123"]).code == 64)
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "a retry creates no ledger")
        let slow = try repo.start(["run", "--at", Self.at], environment: ["CRIER_DELIVERY_PACE_MS": "240"])
        let deadline = Date(timeIntervalSinceNow: 20)
        while repo.outbox().isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let during = try repo.crier(["retry", "--failed"])
        slow.process.waitUntilExit()
        #expect(during.code == 75, "\(during.out)\(during.err)")
        #expect(during.err.contains("holds the ledger"), "\(during.err)")
        #expect(slow.process.terminationStatus == 0)
        #expect(repo.outbox().count == 30)

        let unknown = "0123456789abcdef0123456789abcdef"
        let sent = try #require(try Self.ids(repo, state: "sent").first)
        let refused = try repo.crier(["retry", sent, unknown])
        #expect(refused.code == 64)
        #expect(refused.err.contains("item \(sent) is sent: nothing to retry") && refused.err.contains("no item \(unknown) in the ledger"),
                "\(refused.err)")
        #expect(try repo.crier(["retry"]).code == 64)
        #expect(try repo.crier(["retry", "--since", "2h", sent]).err.contains("--since goes with --failed"))
        #expect(try repo.crier(["history", "--item", unknown]).code == 64)
    }
}

/// `crier retry` and `failures` against a PostgreSQL ledger two hosts share.
@Suite("crier retry over PostgreSQL, end to end", .serialized,
       .enabled(if: PostgresRepo.url != nil && ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_SKIP"] != "1"))
struct PostgresRetryEndToEndTests {
    @Test func failedOnOneHostRetriedOnTheOtherSentOnce() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", RetryEndToEndTests.password, "--relay-needs-auth"])
        defer { server.stop() }
        let repo = try PostgresRepo(hosts: 2, smtp: (server.url, 1), appointmentsPerDay: 4)
        let host0 = ["--config", repo.hosts[0]], host1 = ["--config", repo.hosts[1]]
        let first = try repo.repo.crier(["run", "--at", PostgresRepo.firstSlot] + host0)
        #expect(first.code == 1 && first.out.contains("failed 4"), "\(first.out)\(first.err)")
        let failed = try RetryEndToEndTests.ids(repo.repo, state: "failed", config: host1)
        #expect(failed.count == 4)
        let listed = try repo.repo.crier(["failures", "--at", PostgresRepo.instant(day: 0, minutes: 5)] + host1)
        #expect(listed.code == 1 && listed.out.contains("Relay access denied"), "\(listed.out)\(listed.err)")

        for path in repo.hosts {
            let file = repo.repo.root + "/" + path
            let fixed = try String(contentsOfFile: file, encoding: .utf8)
                .replacingOccurrences(of: "    tls: none\n", with: "    tls: none\n    username: crier\n    password_env: CRIER_E2E_PW\n")
            try fixed.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let retry = try repo.repo.crier(["retry", "--failed", "--at", PostgresRepo.instant(day: 0, minutes: 10)] + host1)
        #expect(retry.code == 0 && retry.out.contains("4 item(s) put back to pending"), "\(retry.out)\(retry.err)")
        let history = try repo.repo.crier(["history", "--item", failed[0]] + host0)
        #expect(history.out.contains("retried") && history.out.contains("was failed: smtp <"), "\(history.out)")
        let run = try repo.repo.crier(["run", "--at", PostgresRepo.instant(day: 0, minutes: 15)] + host0,
                                      environment: ["CRIER_E2E_PW": RetryEndToEndTests.password])
        #expect(run.code == 0 && run.out.contains("sent 4, failed 0"), "\(run.out)\(run.err)")
        #expect(RetryEndToEndTests.receivedIDs(server) == failed, "each once")
        #expect(try repo.repo.crier(["failures", "--at", PostgresRepo.instant(day: 0, minutes: 20)] + host1).code == 0)
        let again = try repo.repo.crier(["retry", failed[0]] + host1)
        #expect(again.code == 64 && again.err.contains("is sent: nothing to retry"), "\(again.err)")
    }
}
