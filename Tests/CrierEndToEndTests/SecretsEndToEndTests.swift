import CrierTestSupport
import Foundation
import GRDB
import Testing

/// Secrets never leave: each test plants its own secret, runs the real binary and looks for the
/// secret in every channel crier writes to: stdout, stderr (with every log line switched on, as
/// text and as JSON),
/// the ledger file and its WAL (all tables), plan files and the outbox.
@Suite("Secrets, end to end")
struct SecretsEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"
    /// Every log line: logs go to stderr, which each test searches.
    static let logs = ["CRIER_LOG_LEVEL": "trace"]

    /// crier.yaml with `sections` (already indented YAML) after the usual settings.
    static func config(_ sections: String) -> String {
        """
        timezone: Pacific/Auckland
        snapshot: data/snapshot.sqlite
        ledger: state/ledger.sqlite
        outbox: outbox
        \(sections)
        """
    }

    /// A repository with the SMS reminder of ConfigRepo and three appointments tomorrow.
    static func repo(config: String) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { n in "2026-11-23T2\(n):00:00Z" }
        return repo
    }

    /// Expects `secret` in none of `outputs` and in no file crier wrote under the repository
    /// (everything but its inputs: crier.yaml, schedules, templates, the snapshot, `secrets/`,
    /// `inputs/`).
    /// Returns the bytes searched, so a test can show the search was not empty.
    @discardableResult
    static func expectNowhere(_ secret: String, in repo: ConfigRepo, outputs: [String],
                              sourceLocation: SourceLocation = #_sourceLocation) -> [String: Data] {
        for (index, output) in outputs.enumerated() {
            #expect(!output.contains(secret), "output \(index) holds the secret:\n\(output)", sourceLocation: sourceLocation)
        }
        let inputs = ["crier.yaml", "schedules/", "templates/", "data/", "secrets/", "inputs/"]
        var written: [String: Data] = [:]
        let files = FileManager.default.enumerator(atPath: repo.root)?.compactMap { $0 as? String } ?? []
        for file in files where !inputs.contains(where: { file.hasPrefix($0) }) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(repo.root)/\(file)", isDirectory: &isFolder), !isFolder.boolValue,
                  let data = FileManager.default.contents(atPath: "\(repo.root)/\(file)") else { continue }
            written[file] = data
            #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret", sourceLocation: sourceLocation)
        }
        return written
    }

    @Test func literalAndMisspeltPasswordsAreLocatedButNeverPrinted() throws {
        let literal = "Literal-Hunter2-a81", typo = "Typo-Hunter2-b72"
        let repo = try Self.repo(config: Self.config("""
            email:
              from: "Acme <noreply@acme.example>"
              smtp:
                url: smtps://mail.acme.example:465
                username: office
                password: \(literal)
            sms:
              http:
                url: https://gw.example/v1
                pasword: "\(typo)"
            """))
        let validate = try repo.crier(["validate"], environment: Self.logs)
        #expect(validate.code == 65)
        #expect(validate.err.contains("""
            crier.yaml:10:15: error: a literal password is refused: secrets do not belong in YAML kept in git. \
            Use password_env: VARIABLE_NAME or password_file: PATH instead
                    password: ***
                              ^
            """), "\(validate.err)")
        #expect(validate.err.contains("""
            crier.yaml:14:5: error: unknown key "pasword" in sms.http. Secrets do not belong in YAML kept in git: \
            use password_env or password_file instead
                    pasword: "***"
                    ^
            """), "\(validate.err)")
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json", "-o", "plans/plan.json"], environment: Self.logs)
        let run = try repo.crier(["run", "--at", Self.at], environment: Self.logs)
        let history = try repo.crier(["history"], environment: Self.logs)
        for secret in [literal, typo] {
            Self.expectNowhere(secret, in: repo, outputs: [validate.out, validate.err, plan.out, plan.err, run.out, run.err,
                                                         history.out, history.err])
        }
    }

    @Test func passwordsInURLSettingsAreRefusedAndNeverUsed() throws {
        let server = try SMTPTestServer(["--user", "office", "--password", "Url-Smtp-c63"])
        defer { server.stop() }
        let secrets = ["Url-Smtp-c63", "Url-Pg-d54", "Url-Gw-e45"]
        let email = """
            email:
              from: "Acme <noreply@acme.example>"
              transport: smtp
              smtp:
                url: smtp://office:\(secrets[0])@127.0.0.1:\(server.port)
                tls: none
            """
        let repo = try Self.repo(config: Self.config("""
            \(email)
            sms:
              transport: email-gateway
              email_gateway: { domain: sms.example.net }
              http: { url: "ftp://sid:\(secrets[2])@gw.example/v1" }
            """).replacingOccurrences(of: "ledger: state/ledger.sqlite", with: "ledger: postgresql://crier:\(secrets[1])@db.example/crier"))
        let validate = try repo.crier(["validate"], environment: Self.logs)
        #expect(validate.code == 65)
        #expect(validate.err.contains("""
            crier.yaml:3:9: error: a password in the ledger's connection is refused: secrets do not belong in YAML kept in git. \
            Remove it, and give it with ledger_options: {password_env: VARIABLE_NAME}, PGPASSWORD or ~/.pgpass
                ledger: postgresql://crier:***@db.example/crier
                        ^
            """), "\(validate.err)")
        #expect(validate.err.contains("crier.yaml:9:10: error: \"email.smtp.url\" holds a password in its user-info (office:***@)"))
        #expect(validate.err.contains("crier.yaml:14:16: error: \"url\" must start with https:// (or http:// for a gateway on this host), not \"ftp://sid:***@gw.example/v1\""))
        #expect(validate.err.contains("crier.yaml:14:16: error: \"sms.http.url\" holds a password in its user-info (sid:***@)"))

        // The same settings with a SQLite ledger: run must not AUTH with the URL's password.
        try Self.config(email).write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
        try repo.makeEmailSnapshot()
        let run = try repo.crier(["run", "--at", Self.at], environment: Self.logs.merging(["CRIER_RETRY_DELAY_MS": "1"]) { $1 })
        #expect(server.received().isEmpty, "nothing sent with credentials from the URL")
        #expect(run.code == 65, "an invalid crier.yaml records and sends nothing: \(run.out)\(run.err)")
        #expect(run.err.contains("crier.yaml: error: crier.yaml has errors (above): nothing was recorded or sent"), "\(run.err)")
        let history = try repo.crier(["history"])
        #expect(history.out.contains("No ledger yet"), "\(history.out)")
        for secret in secrets {
            Self.expectNowhere(secret, in: repo, outputs: [validate.out, validate.err, run.out, run.err, history.out, history.err])
        }
    }

    @Test func aGatewayURLsQueryIsMaskedInErrorsLedgerHistoryAndFailures() throws {
        let gateway = try HTTPGatewayTestServer()
        defer { gateway.stop() }
        let key = "Query-Key-f36", token = "Gw-Token-g27"
        let repo = try ConfigRepo(config: Self.config("""
            sms:
              transport: http
              http:
                url: "\(gateway.url("/v1"))?api_key=\(key)"
                format: json
                password_env: CRIER_E2E_GW_TOKEN
            """), schedules: ["reminder.yaml": ConfigRepo.reminder], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        // ...0666: the gateway closes the connection (a network error naming the URL);
        // ...0400: it refuses the message (a permanent failure).
        try repo.makeSnapshot(phones: ["021 100 0666", "021 100 0400", "021 100 0123"])
        let environment = Self.logs.merging(["CRIER_E2E_GW_TOKEN": token, "CRIER_RETRY_DELAY_MS": "1"]) { $1 }
        let validate = try repo.crier(["validate"], environment: environment)
        #expect(validate.err.contains("warning: \"sms.http.url\" holds a secret in its query, api_key=***, that is kept in git"), "\(validate.err)")
        let run = try repo.crier(["run", "--at", Self.at], environment: environment)
        #expect(run.code == 1, "\(run.out)\(run.err)")
        #expect(run.out.contains("sent 1, failed 1, left for retry 1"), "\(run.out)")
        #expect(run.out.contains("?api_key=***: "), "the URL is named, masked: \(run.out)")
        #expect(gateway.requests().allSatisfy { $0.path.hasSuffix("?api_key=\(key)") }, "the gateway still gets its key")
        #expect(gateway.requests().allSatisfy { $0.header("Authorization") == "Bearer \(token)" })
        // The item left pending is tried again, with JSON logs this time.
        let jsonRun = try repo.crier(["run", "--at", "2026-11-23T17:10:00+13:00", "--log-format", "json"], environment: environment)
        #expect(jsonRun.err.contains("{") && jsonRun.err.contains("api_key=***"), "\(jsonRun.err)")
        let history = try repo.crier(["history"], environment: environment)
        #expect(history.out.contains("api_key=***"), "\(history.out)")
        let failures = try repo.crier(["failures", "--since", "24h", "--at", "2026-11-23T18:00:00+13:00"], environment: environment)
        #expect(failures.code == 1)
        #expect(failures.out.contains("gateway answered 400"), "\(failures.out)")
        for secret in [key, token] {
            let written = Self.expectNowhere(secret, in: repo, outputs: [validate.out, validate.err, run.out, run.err, jsonRun.out,
                                                                        jsonRun.err, history.out, history.err, failures.out, failures.err])
            #expect(written["state/ledger.sqlite"] != nil, "the ledger was searched")
        }
        let ledger = try repo.ledgerErrors()
        #expect(ledger.contains { $0.contains("?api_key=***: ") }, "\(ledger)")
    }

    @Test func credentialsOverClearTextAreRefused() throws {
        let secret = "Clear-Text-h18"
        let repo = try Self.repo(config: Self.config("""
            email:
              from: "Acme <noreply@acme.example>"
              transport: smtp
              smtp:
                url: smtp://crier-test.invalid:25
                tls: none
                username: office
                password_env: CRIER_E2E_SMTP_PASSWORD
            sms:
              transport: http
              http: { url: "http://gw.example/v1", username: sid, password_env: CRIER_E2E_SMTP_PASSWORD }
            """))
        let environment = Self.logs.merging(["CRIER_E2E_SMTP_PASSWORD": secret, "CRIER_RETRY_DELAY_MS": "1"]) { $1 }
        let validate = try repo.crier(["validate"], environment: environment)
        #expect(validate.code == 65)
        #expect(validate.err.contains("""
            crier.yaml:10:10: error: tls: none with a username would send the credentials in clear text to crier-test.invalid. \
            Use tls: required (STARTTLS) or an smtps:// URL; credentials without TLS are accepted only for a server on this machine \
            (localhost, 127.0.0.1, ::1)
            """), "\(validate.err)")
        #expect(validate.err.contains("crier.yaml:15:16: error: an http:// gateway URL with credentials would send the credentials in clear text to gw.example"))
        // run refuses the invalid crier.yaml before any connection: nothing goes out in clear text.
        let run = try repo.crier(["run", "--at", Self.at], environment: environment)
        #expect(run.code == 65, "\(run.out)\(run.err)")
        #expect(run.err.contains("crier.yaml: error: crier.yaml has errors (above): nothing was recorded or sent"), "\(run.err)")
        Self.expectNowhere(secret, in: repo, outputs: [validate.out, validate.err, run.out, run.err])
    }

    @Test func validateWarnsAboutUnsetEmptyOrOpenSecrets() throws {
        let secret = "File-Secret-i09"
        let config = Self.config("""
            email:
              from: "Acme <noreply@acme.example>"
              transport: smtp
              smtp:
                url: smtps://mail.acme.example:465
                username: office
                password_file: secrets/smtp-password
            sms:
              transport: http
              http:
                url: https://gw.example/v1
                password_env: CRIER_E2E_GW_TOKEN
            """)
        let repo = try Self.repo(config: config)
        let missing = try repo.crier(["validate"], environment: ["CRIER_E2E_GW_TOKEN": ""])
        #expect(missing.code == 0, "warnings only: \(missing.err)")
        #expect(missing.err.contains("""
            crier.yaml:11:20: warning: email.smtp: password_file secrets/smtp-password does not exist. \
            Write the password into it on one line and run chmod 600 secrets/smtp-password
            """), "\(missing.err)")
        #expect(missing.err.contains("""
            crier.yaml:16:19: warning: sms.http: password_env names CRIER_E2E_GW_TOKEN, which is set but empty. Give it the password where crier runs
            """), "\(missing.err)")

        try FileManager.default.createDirectory(atPath: repo.root + "/secrets", withIntermediateDirectories: true)
        let file = repo.root + "/secrets/smtp-password", shown = "secrets/smtp-password"
        try "\(secret)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        let open = try repo.crier(["validate"])
        #expect(open.err.contains("""
            crier.yaml:11:20: warning: email.smtp: password_file \(shown) is open to group or others (mode 644). \
            Run chmod 600 \(shown), so that only the user crier runs as can read it (ssh demands the same of private keys)
                    password_file: secrets/smtp-password
                                   ^
            """), "\(open.err)")
        #expect(open.err.contains("crier.yaml:16:19: warning: sms.http: password_env names CRIER_E2E_GW_TOKEN, which is not set in this environment"))

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let fixed = try repo.crier(["validate"], environment: ["CRIER_E2E_GW_TOKEN": "Env-Token-j90"])
        #expect(!fixed.err.contains("password_"), "\(fixed.err)")
        for secret in [secret, "Env-Token-j90"] {
            Self.expectNowhere(secret, in: repo, outputs: [missing.err, open.err, fixed.out, fixed.err])
        }
    }

    @Test func executeRefusesAnEditedPlanAndRunsTheReviewedOne() throws {
        let planted = "Edited-In-k81"
        let repo = try Self.repo(config: ConfigRepo.defaultConfig)
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json", "-o", "plan.json"])
        #expect(plan.code == 0, "\(plan.err)")
        let original = try String(contentsOfFile: repo.root + "/plan.json", encoding: .utf8)
        try FileManager.default.createDirectory(atPath: repo.root + "/inputs", withIntermediateDirectories: true)
        #expect(original.contains("Hi Client 1,"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])
        let items = try #require(object["items"] as? [[String: Any]])
        let edited = try #require(items.first { ($0["key"] as? String) == "J1001" })
        let editedID = try #require(edited["id"] as? String)

        try original.replacingOccurrences(of: "Hi Client 1,", with: "Hi Client 1, call \(planted) now,")
            .write(toFile: repo.root + "/inputs/edited.json", atomically: true, encoding: .utf8)
        let refused = try repo.crier(["execute", "inputs/edited.json", "--at", "2026-11-23T17:05:00+13:00"], environment: Self.logs)
        #expect(refused.code == 65)
        #expect(refused.err.contains("inputs/edited.json: error: item \(editedID) (schedule reminder, key J1001): body differs"), "\(refused.err)")
        #expect(refused.err.contains("nothing was sent. Make a new plan with `crier plan --format json` and review it"))
        #expect(repo.outbox().isEmpty)
        let recorded = FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite")
            ? try repo.ledgerCount("SELECT count(*) FROM items") : 0
        #expect(recorded == 0, "nothing recorded")

        try original.replacingOccurrences(of: "\"+64211000001\"", with: "\"+64211000009\"")
            .write(toFile: repo.root + "/inputs/redirected.json", atomically: true, encoding: .utf8)
        let redirected = try repo.crier(["execute", "inputs/redirected.json", "--at", "2026-11-23T17:05:00+13:00"])
        #expect(redirected.code == 65)
        #expect(redirected.err.contains("(schedule reminder, key J1001): recipient differs"), "\(redirected.err)")
        #expect(repo.outbox().isEmpty)

        let reviewed = try repo.crier(["execute", "plan.json", "--at", "2026-11-23T17:05:00+13:00"], environment: Self.logs)
        #expect(reviewed.code == 0, "\(reviewed.out)\(reviewed.err)")
        #expect(repo.outbox().count == 3)
        Self.expectNowhere(planted, in: repo, outputs: [refused.out, refused.err, redirected.out, redirected.err,
                                                        reviewed.out, reviewed.err])
    }
}

extension ConfigRepo {
    /// `data/snapshot.sqlite` with one appointment tomorrow morning per phone number.
    func makeSnapshot(phones: [String]) throws {
        try makeSnapshot(count: phones.count) { n in "2026-11-23T2\(n):00:00Z" }
        let queue = try DatabaseQueue(path: root + "/data/snapshot.sqlite")
        try queue.write { db in
            for (n, phone) in phones.enumerated() {
                try db.execute(sql: "UPDATE appointments SET phone = ? WHERE job = ?", arguments: [phone, "J\(1000 + n)"])
            }
        }
        try queue.close()
    }

    /// `data/snapshot.sqlite` for the reminder sent by email (its schedule is changed to match).
    func makeEmailSnapshot() throws {
        let schedule = ConfigRepo.reminder.replacingOccurrences(of: "channel: sms", with: "channel: email")
            .replacingOccurrences(of: "phone AS recipient", with: "email AS recipient")
        try schedule.write(toFile: root + "/schedules/reminder.yaml", atomically: true, encoding: .utf8)
        try "---\nsubject: \"Visit {{key}}\"\n---\nHi {{name}}.\n".write(toFile: root + "/templates/reminder.email.mustache",
                                                                       atomically: true, encoding: .utf8)
        try makeSnapshot(count: 1) { _ in "2026-11-23T20:00:00Z" }
        let queue = try DatabaseQueue(path: root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "ALTER TABLE appointments ADD COLUMN email TEXT")
            try db.execute(sql: "UPDATE appointments SET email = 'client@example.net'")
        }
        try queue.close()
    }

    /// Every item's last error in the ledger.
    func ledgerErrors() throws -> [String] {
        let queue = try DatabaseQueue(path: root + "/state/ledger.sqlite")
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "SELECT last_error FROM items WHERE last_error IS NOT NULL") }
    }
}
