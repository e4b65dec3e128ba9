import Testing
@testable import CrierCore

/// crier.yaml's rules for secrets: none in YAML (literal, misspelt or inside a URL), none over
/// clear text, and never echoed by the error that refuses them.
@Suite("Config secrets")
struct ConfigSecretsTests {
    func load(_ text: String) -> (Config?, [Diagnostic]) {
        var collector = DiagnosticCollector()
        let config = Config.load(path: "crier.yaml", directory: "/repo", text: text, into: &collector)
        return (config, collector.diagnostics)
    }

    /// Every diagnostic as printed, one after the other.
    func printed(_ diagnostics: [Diagnostic]) -> String { diagnostics.map(\.description).joined(separator: "\n") }

    @Test func aLiteralOrMisspeltPasswordIsLocatedAndNeverPrinted() {
        let (_, diagnostics) = load("""
            email:
              transport: smtp
              smtp:
                url: smtp://mail.example:587
                username: office
                password: Hunter2-literal
            sms:
              transport: http
              http:
                url: https://gw.example/v1
                pasword: Hunter2-typo
            """)
        let text = printed(diagnostics)
        #expect(!text.contains("Hunter2"), "\(text)")
        #expect(text.contains("crier.yaml:6:15: error: a literal password is refused"))
        #expect(text.contains("""
            crier.yaml:11:5: error: unknown key "pasword" in sms.http. Secrets do not belong in YAML kept in git: \
            use password_env or password_file instead
                    pasword: ***
                    ^
            """), "\(text)")
    }

    @Test func aPasswordInAURLSettingIsRefusedAndMasked() {
        let (_, diagnostics) = load("""
            ledger: postgresql://crier:Pg-Secret-7@db1.example/crier
            email:
              transport: smtp
              smtp:
                url: smtp://office:Smtp-Secret-7@mail.example:587
            sms:
              transport: http
              http: { url: "https://sid:Gw-Secret-7@gw.example/v1?api_key=Key-Secret-7" }
            """)
        let text = printed(diagnostics)
        for secret in ["Pg-Secret-7", "Smtp-Secret-7", "Gw-Secret-7", "Key-Secret-7"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        let errors = diagnostics.filter { $0.severity == .error }.map { "\($0.location!) \($0.message)" }
        #expect(errors == [
            "crier.yaml:5:10 \"email.smtp.url\" holds a password in its user-info (office:***@): secrets do not belong in YAML kept in git",
            "crier.yaml:8:16 \"sms.http.url\" holds a password in its user-info (sid:***@): secrets do not belong in YAML kept in git",
            "crier.yaml:1:9 a password in the ledger's connection is refused: secrets do not belong in YAML kept in git",
        ])
        #expect(text.contains("    url: smtp://office:***@mail.example:587\n"))
        let warnings = diagnostics.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings == ["\"sms.http.url\" holds a secret in its query, api_key=***, that is kept in git with this file"])
    }

    @Test func credentialsOverClearTextAreRefusedUnlessTheHostIsThisMachine() {
        let (_, remote) = load("""
            email:
              transport: smtp
              smtp: { url: "smtp://mail.example:25", tls: none, username: office, password_env: P }
            sms:
              transport: http
              http: { url: "http://gw.example/v1", username: sid, password_env: T }
            """)
        #expect(remote.map(\.description) == [
            """
            crier.yaml:3:47: error: tls: none with a username would send the credentials in clear text to mail.example. \
            Use tls: required (STARTTLS) or an smtps:// URL; credentials without TLS are accepted only for a server on \
            this machine (localhost, 127.0.0.1, ::1)
                  smtp: { url: "smtp://mail.example:25", tls: none, username: office, password_env: P }
                                                              ^
            """,
            """
            crier.yaml:6:16: error: an http:// gateway URL with credentials would send the credentials in clear text to gw.example. \
            Use the gateway's https:// URL; credentials without TLS are accepted only for a server on this machine \
            (localhost, 127.0.0.1, ::1)
                  http: { url: "http://gw.example/v1", username: sid, password_env: T }
                               ^
            """,
        ])
        let (_, local) = load("""
            email:
              transport: smtp
              smtp: { url: "smtp://127.0.0.1:2525", tls: none, username: office, password_env: P }
            sms:
              transport: http
              http: { url: "http://[::1]:8080/v1", username: sid, password_env: T }
            """)
        #expect(local.isEmpty, "\(local)")
        // No credentials, nothing to protect: plain SMTP to a relay stays allowed.
        let (_, relay) = load("email: { transport: smtp, smtp: { url: \"smtp://relay.example:25\", tls: none } }\n")
        #expect(relay.isEmpty, "\(relay)")
    }

    @Test func urlSettingsAreTakenApart() throws {
        let url = try #require(URLSetting("smtps://Office:pw@[::1]:465/x?a=1&token=2"))
        #expect(url.scheme == "smtps" && url.user == "Office" && url.hasPassword)
        #expect(url.host == "::1" && url.queryKeys == ["a", "token"])
        #expect(url.isLoopback)
        #expect(URLSetting("postgresql://crier@127.0.0.1,localhost/crier")?.isLoopback == true)
        #expect(URLSetting("postgresql://crier@127.0.0.1,db2/crier")?.isLoopback == false)
        #expect(URLSetting("http://127.evil.example/")?.isLoopback == false)
        #expect(URLSetting("state/ledger.sqlite") == nil)
    }
}
