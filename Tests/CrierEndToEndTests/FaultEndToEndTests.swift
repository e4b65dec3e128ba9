import CrierTestSupport
import Foundation
import GRDB
import Testing

/// Faults that are not a recipient's: a silent or refusing server, a refused password, a
/// read-only ledger, a deleted lock file. None is silent, none marks an item failed.
@Suite("Delivery-wide faults and the ledger under operator error, end to end")
struct FaultEndToEndTests {
    static let at = SMTPEndToEndTests.at

    func smtpRepo(_ smtp: String, count: Int) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: smtp), schedules: ["visit.yaml": SMTPEndToEndTests.schedule],
                                  templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: count)
        return repo
    }

    @Test func aServerThatNeverAnswersCostsOneConnectTimeoutNotEightMinutes() throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let repo = try smtpRepo("url: smtp://127.0.0.1:\(silent.port)\ntls: none", count: 100)
        let started = Date()
        let run = try repo.crier(["run", "--at", Self.at])
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 15, "\(elapsed) s for 100 items")
        #expect(run.code == 75, "an outage is temporary: \(run.out)\(run.err)")
        #expect(run.out.contains("sent 0, failed 0, left for retry 100"), "\(run.out)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending' AND last_error LIKE '%the server did not answer%'") == 100)
    }

    @Test func aWrongPasswordFailsNothingExits65AndTheFixedPasswordSendsAllOnce() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", SMTPEndToEndTests.password])
        defer { server.stop() }
        let repo = try smtpRepo("url: \(server.url)\ntls: none\nusername: crier\npassword_env: CRIER_E2E_PW", count: 8)
        let wrong = try repo.crier(["run", "--at", Self.at], environment: ["CRIER_E2E_PW": "not-the-password"])
        #expect(wrong.code == 65, "\(wrong.out)\(wrong.err)")
        #expect(wrong.out.contains("sent 0, failed 0, left for retry 8"), "\(wrong.out)")
        #expect(wrong.out.contains("the server refused the username and password (535"), "\(wrong.out)")
        #expect(!wrong.out.contains("not-the-password") && !wrong.err.contains("not-the-password"))
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'failed'") == 0)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending' AND last_error LIKE '%refused the username and password%'") == 8,
                "every item waits with the fault as its error")
        #expect(server.received().isEmpty)

        let fixed = try repo.crier(["run", "--at", "2026-11-23T17:05:00+13:00"], environment: ["CRIER_E2E_PW": SMTPEndToEndTests.password])
        #expect(fixed.code == 0, "\(fixed.out)\(fixed.err)")
        #expect(fixed.out.contains("sent 8, failed 0"), "\(fixed.out)")
        #expect(server.received().count == 8)
        #expect(Set(server.received().flatMap(\.recipients)).count == 8, "each once")
    }

    @Test func deletingTheLockFileDoesNotLetASecondRunIn() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 40) { n in "2026-11-23T2\(n % 4):\(String(format: "%02d", n)):00Z" }
        let first = try repo.start(["run", "--at", Self.at], environment: ["CRIER_DELIVERY_PACE_MS": "160"])
        let deadline = Date().addingTimeInterval(20)
        while repo.outbox().count < 3, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        try? FileManager.default.removeItem(atPath: repo.root + "/state/ledger.sqlite.lock")
        let second = try repo.crier(["run", "--at", Self.at])
        #expect(second.code == 75, "\(second.out)\(second.err)")
        #expect(second.err.contains("holds the ledger"))
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 0, "\(first.errors())")
        #expect(repo.outbox().count == 40)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent'") == 40)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'uncertain'") == 0)
    }

    /// Runs crier as `nobody` (root bypasses file modes), in `repo`.
    func crierAsNobody(_ repo: ConfigRepo, _ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", ConfigRepo.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repo.root)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output, errors)
    }

    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aReadOnlyLedgerIsNamedWithTheFixExits65AndRecoversOnceWritable() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 2) { n in "2026-11-23T2\(n):00:00Z" }
        _ = chmod(repo.root, 0o755)
        try FileManager.default.createDirectory(atPath: repo.root + "/state", withIntermediateDirectories: true)
        for path in ["", "/state", "/data", "/data/snapshot.sqlite"] { _ = chown(repo.root + path, 65534, 65534) }
        let first = try crierAsNobody(repo, ["run", "--at", "2026-11-22T17:00:00+13:00"])
        #expect(first.code == 0, "\(first.out)\(first.err)")
        let ledger = repo.root + "/state/ledger.sqlite"
        for path in [ledger, ledger + "-wal", ledger + "-shm"] { _ = chmod(path, 0o444) }

        let refused = try crierAsNobody(repo, ["run", "--at", Self.at])
        #expect(refused.code == 65, "\(refused.out)\(refused.err)")
        #expect(refused.err.contains("state/ledger.sqlite: error: the ledger is read-only for this user, so the run records and sends nothing. Make it writable (chmod u+w state/ledger.sqlite, or run crier as its owner), then run again"), "\(refused.err)")
        #expect(!refused.err.contains("SQLite error"))
        #expect(repo.outbox().isEmpty)

        _ = chmod(ledger, 0o644)  // the -wal and -shm files keep 0444
        let recovered = try crierAsNobody(repo, ["run", "--at", Self.at])
        #expect(recovered.code == 0, "\(recovered.out)\(recovered.err)")
        #expect(repo.outbox().count == 2)
    }
}
