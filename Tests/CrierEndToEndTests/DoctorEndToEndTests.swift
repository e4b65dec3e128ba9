import CrierTestSupport
import Foundation
import Testing

/// `crier doctor` against real servers on 127.0.0.1: the aiosmtpd fixture (plain, STARTTLS,
/// AUTH, a throwaway CA), the HTTP gateway stand-in, and a server that accepts and never
/// answers. Each fault fails its own line; a working server passes every line.
@Suite("doctor, end to end")
struct DoctorEndToEndTests {
    static let password = "doctor-Secret-7"
    static let variable = "CRIER_DOCTOR_PASSWORD"

    /// What one doctor run printed.
    struct Report {
        var code: Int32
        var lines: [String]
        var err: String

        /// The line of check `name` (`smtp AUTH`).
        func line(_ name: String) -> String? {
            lines.first { $0.count > 6 && $0.dropFirst(6).hasPrefix(name + "  ") }
        }

        /// The status word of check `name` (`ok`, `warn`, `FAIL`, `skip`), or nil.
        func status(_ name: String) -> String? {
            line(name).map { String($0.prefix(6)).trimmingCharacters(in: .whitespaces) }
        }

        /// The names of the checks that failed.
        var failed: [String] {
            lines.filter { $0.hasPrefix("FAIL") }.compactMap { $0.dropFirst(6).components(separatedBy: "  ").first }
        }
    }

    /// A repository with an SMTP email transport (`smtp` lines under email.smtp) and a snapshot.
    func repo(smtp: String) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: smtp), schedules: ["visit.yaml": SMTPEndToEndTests.schedule],
                                  templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 1)
        return repo
    }

    func doctor(_ repo: ConfigRepo, _ arguments: [String] = [], environment: [String: String] = [variable: password]) throws -> Report {
        let run = try repo.crier(["doctor", "--timeout", "3"] + arguments, environment: environment)
        #expect(!run.out.contains(Self.password) && !run.err.contains(Self.password), "the password never shows")
        return Report(code: run.code, lines: run.out.split(separator: "\n").map(String.init), err: run.err)
    }

    /// STARTTLS + AUTH with the CA in ca_file: the working setup.
    func workingSMTP(_ certificates: TestCertificates, _ server: SMTPTestServer, password: String = "password_env: CRIER_DOCTOR_PASSWORD") -> String {
        "url: \(server.url)\ntls: required\nusername: crier\n\(password)\nca_file: \(certificates.caFile)"
    }

    func startTLSServer(_ certificates: TestCertificates) throws -> SMTPTestServer {
        try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile,
                            "--require-starttls", "--user", "crier", "--password", Self.password])
    }

    @Test func aWorkingServerPassesEveryCheck() throws {
        let certificates = try TestCertificates()
        let server = try startTLSServer(certificates)
        defer { server.stop() }
        let repo = try repo(smtp: workingSMTP(certificates, server))
        let report = try doctor(repo)
        #expect(report.code == 0, "\(report.lines)\n\(report.err)")
        for name in ["config", "snapshot", "ledger", "smtp connect", "smtp greeting", "smtp STARTTLS", "smtp certificate", "smtp password", "smtp AUTH", "outbox"] {
            #expect(report.status(name) == "ok", "\(name): \(report.line(name) ?? "missing")")
        }
        #expect(report.line("smtp AUTH")?.contains("logged in as \"crier\"") == true)
        #expect(report.line("smtp password")?.contains("CRIER_DOCTOR_PASSWORD (value not shown)") == true)
        #expect(server.received().isEmpty, "doctor sends nothing without --send-test")
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "doctor records nothing")
    }

    @Test func sendTestDeliversOneRealMessageAndRecordsNothing() throws {
        let certificates = try TestCertificates()
        let server = try startTLSServer(certificates)
        defer { server.stop() }
        let repo = try repo(smtp: workingSMTP(certificates, server))
        let report = try doctor(repo, ["--send-test", "admin@example.net"])
        #expect(report.code == 0, "\(report.lines)")
        #expect(report.line("send-test")?.contains("sent to admin@example.net through smtp, id Q000001") == true, "\(report.lines)")
        let received = server.received()
        #expect(received.count == 1)
        #expect(received.first?.recipients == ["admin@example.net"])
        #expect(received.first?.data.contains("Subject: crier doctor: test message") == true)
        #expect(received.first?.tls == true && received.first?.authenticated == true)
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"))

        let bad = try repo.crier(["doctor", "--send-test", "not a number"], environment: [Self.variable: Self.password])
        #expect(bad.code == 64)
        #expect(bad.err.contains("--send-test \"not a number\" is neither an email address nor a phone number"))
    }

    /// One SMTP fault: the check that must fail, a text its line must hold, and the lines that
    /// must still pass.
    struct Fault: CustomTestStringConvertible, Sendable {
        var name: String
        var failing: String
        var text: String
        var passing: [String]
        var testDescription: String { name }
    }

    static let faults = [
        Fault(name: "refused port", failing: "smtp connect", text: "Couldn't connect to server", passing: ["config", "snapshot", "smtp password"]),
        Fault(name: "no STARTTLS", failing: "smtp STARTTLS", text: "the server does not offer STARTTLS", passing: ["smtp connect", "smtp greeting"]),
        Fault(name: "unknown CA", failing: "smtp certificate", text: "SSL certificate problem", passing: ["smtp greeting", "smtp STARTTLS"]),
        Fault(name: "wrong password", failing: "smtp AUTH", text: "the server refused the login of \"crier\": 535", passing: ["smtp certificate", "smtp password"]),
        Fault(name: "missing password variable", failing: "smtp password", text: "the password variable CRIER_DOCTOR_PASSWORD is not set", passing: ["smtp certificate"]),
        Fault(name: "silent server", failing: "smtp greeting", text: "connected, but the server sent no greeting within 3 s", passing: ["smtp connect"]),
    ]

    @Test(arguments: faults)
    func eachSMTPFaultFailsItsOwnLine(_ fault: Fault) throws {
        let certificates = try TestCertificates()
        var environment = [Self.variable: Self.password]
        var stop: () -> Void = {}
        defer { stop() }
        let smtp: String
        switch fault.name {
        case "refused port":
            smtp = "url: smtp://127.0.0.1:\(try Self.closedPort())\ntls: required\nusername: crier\npassword_env: \(Self.variable)"
        case "no STARTTLS":
            let server = try SMTPTestServer()
            stop = server.stop
            smtp = "url: \(server.url)\ntls: required"
        case "unknown CA":
            let server = try startTLSServer(certificates)
            stop = server.stop
            smtp = workingSMTP(certificates, server).replacingOccurrences(of: "ca_file: \(certificates.caFile)", with: "")
        case "wrong password":
            let server = try startTLSServer(certificates)
            stop = server.stop
            smtp = workingSMTP(certificates, server)
            environment[Self.variable] = "not-the-password"
        case "missing password variable":
            let server = try startTLSServer(certificates)
            stop = server.stop
            smtp = workingSMTP(certificates, server)
            environment[Self.variable] = ""
        default:
            let silent = try FixtureProcess(script: "silent_server.py", folderPrefix: "crier-silent") { ["--dir", $0] }
            stop = silent.stop
            smtp = "url: smtp://127.0.0.1:\(silent.port)\ntls: required"
        }
        let report = try doctor(try repo(smtp: smtp), environment: environment)
        #expect(report.code == 1)
        let failing = report.lines.filter { $0.hasPrefix("FAIL") }
        #expect(failing.count == 1, "one fault, one failing line: \(failing)")
        #expect(report.status(fault.failing) == "FAIL", "\(report.lines)")
        #expect(report.line(fault.failing)?.contains(fault.text) == true, "\(report.line(fault.failing) ?? "missing")")
        #expect(report.line(fault.failing)?.contains(". Fix: ") == true, "the line says what to do")
        for name in fault.passing {
            #expect(report.status(name) == "ok", "\(name): \(report.line(name) ?? "missing")")
        }
    }

    /// A port on 127.0.0.1 that nothing listens on.
    static func closedPort() throws -> Int {
        let server = try FixtureProcess(script: "silent_server.py", folderPrefix: "crier-closed") { ["--dir", $0] }
        let port = server.port
        server.stop()
        return port
    }

    // MARK: HTTP gateway

    func repo(http: String) throws -> ConfigRepo {
        let config = ConfigRepo.defaultConfig.replacingOccurrences(of: "sms:\n  default_region: NZ", with: """
            sms:
              default_region: NZ
              transport: http
              http:
            \(http.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            """)
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 1) { _ in "2026-11-23T20:00:00Z" }
        return repo
    }

    @Test func anUnknownCertificateOfTheGatewayFailsTheTLSLine() throws {
        let certificates = try TestCertificates()
        let gateway = try HTTPGatewayTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile])
        defer { gateway.stop() }
        let report = try doctor(try repo(http: "url: https://127.0.0.1:\(gateway.port)/messages\nformat: twilio\nusername: AC1\npassword_env: \(Self.variable)"))
        #expect(report.code == 1)
        #expect(report.failed == ["sms.http TLS"], "\(report.lines)")
        #expect(report.line("sms.http TLS")?.contains("SSL certificate problem") == true)
        #expect(report.status("sms.http connect") == "ok")
        #expect(report.status("sms.http password") == "ok")
        #expect(report.status("sms.http credentials") == "skip")
        #expect(gateway.requests().isEmpty)
    }

    @Test func theGatewayCredentialsAreTriedWithoutSendingAnything() throws {
        let gateway = try HTTPGatewayTestServer(["--user", "AC1", "--password", Self.password])
        defer { gateway.stop() }
        let repo = try repo(http: "url: \(gateway.url())\nformat: twilio\nusername: AC1\npassword_env: \(Self.variable)")
        let good = try doctor(repo)
        #expect(good.code == 0, "a warning does not fail: \(good.lines)")
        #expect(good.line("sms.http credentials")?.contains("answered 200: credentials not refused") == true, "\(good.lines)")
        #expect(good.status("sms.http TLS") == "warn", "plain http is named")

        let wrong = try doctor(repo, environment: [Self.variable: "wrong"])
        #expect(wrong.code == 1)
        #expect(wrong.failed == ["sms.http credentials"], "\(wrong.lines)")
        #expect(wrong.line("sms.http credentials")?.contains("answered 401: the gateway refused the credentials") == true)

        let missing = try doctor(repo, environment: [:])
        #expect(missing.failed == ["sms.http password"], "\(missing.lines)")
        #expect(missing.status("sms.http credentials") == "skip")
        #expect(gateway.requests().isEmpty, "no SMS was posted")
    }

    @Test func aSilentGatewayAndARefusedPortFailTheirOwnLines() throws {
        let silent = try FixtureProcess(script: "silent_server.py", folderPrefix: "crier-silent") { ["--dir", $0] }
        defer { silent.stop() }
        let hung = try doctor(try repo(http: "url: http://127.0.0.1:\(silent.port)/messages"))
        #expect(hung.code == 1)
        #expect(hung.status("sms.http connect") == "ok")
        #expect(hung.status("sms.http TLS") == "warn", "plain http is named")
        #expect(hung.line("sms.http credentials")?.contains("gave no answer within 3 s") == true, "\(hung.lines)")

        let refused = try doctor(try repo(http: "url: http://127.0.0.1:\(try Self.closedPort())/messages"))
        #expect(refused.status("sms.http connect") == "FAIL")
        #expect(refused.status("sms.http credentials") == "skip")
    }

    @Test func aBrokenConfigAndAMissingSnapshotAreNamed() throws {
        let broken = try ConfigRepo(config: "timezone: Pacific/Nowhere\n", schedules: [:], templates: [:])
        let report = try doctor(broken)
        #expect(report.code == 1)
        #expect(report.line("config")?.contains("unknown time zone \"Pacific/Nowhere\"") == true, "\(report.lines)")
        #expect(report.status("snapshot") == "FAIL")
        #expect(report.line("snapshot")?.contains("the snapshot does not exist") == true)
        #expect(report.status("ledger") == "ok", "a missing ledger is created by the first run")
    }
}
