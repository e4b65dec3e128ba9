import Testing
@testable import CrierCore

@Suite("Redaction")
struct RedactionTests {
    @Test func urlUserInfoPasswordAndQueryValuesAreMasked() {
        #expect(Redaction.redact("smtp://office:Secret@mail.example:587") == "smtp://office:***@mail.example:587")
        #expect(Redaction.redact("POST https://gw.example/v1/sms?api_key=K3y-9&from=Acme failed")
            == "POST https://gw.example/v1/sms?api_key=***&from=*** failed")
        #expect(Redaction.redact("postgresql://crier:pw@db1,db2/crier?sslmode=verify-full")
            == "postgresql://crier:***@db1,db2/crier?sslmode=verify-full")
        // A sloppy password holding `/` and `#` is masked whole; the user name stays.
        #expect(Redaction.redact("ftp://u:pa/ss#w@host/x") == "ftp://u:***@host/x")
        // Nothing to hide: the text is unchanged.
        #expect(Redaction.redact("smtp://office@mail.example:587 said 535") == "smtp://office@mail.example:587 said 535")
        #expect(Redaction.redact("https://gw.example/v1/sms") == "https://gw.example/v1/sms")
    }

    @Test func valuesOfSecretLikeKeysAreMasked() {
        #expect(Redaction.redact("    password: Hunter2 # the office one") == "    password: ***")
        #expect(Redaction.redact("  pasword: \"Hunter 2\"") == "  pasword: \"***\"")
        #expect(Redaction.redact("smtp: { url: smtp://h, api-key: abc, tls: none }") == "smtp: { url: smtp://h, api-key: ***, tls: none }")
        #expect(Redaction.redact("host=db password=s3cr3t dbname=crier") == "host=db password=*** dbname=crier")
        #expect(Redaction.redact(#"{"auth_token": "tok-1", "to": "+64"}"#) == #"{"auth_token": "***", "to": "+64"}"#)
        // Where a secret is kept is not a secret, and plain settings stay readable.
        #expect(Redaction.redact("password_env: CRIER_SMTP_PASSWORD") == "password_env: CRIER_SMTP_PASSWORD")
        #expect(Redaction.redact("username: office") == "username: office")
        #expect(Redaction.redact("a literal password is refused: secrets do not belong") == "a literal password is refused: secrets do not belong")
    }

    @Test func secretKeysIncludeTyposButNotOrdinarySettings() {
        for key in ["password", "Password", "pasword", "passwrod", "passwd", "pass", "secret", "secert", "client_secret",
                    "token", "tokn", "auth_token", "api_key", "apikey", "api-key", "api_kye"] {
            #expect(Redaction.isSecretKey(key), "\(key)")
        }
        for key in ["password_env", "password_file", "username", "url", "tls", "from", "key", "to", "transport", "timezone",
                    "snapshot", "ledger", "catch_up", "subject", "template", "max_per_day", "connections", "domain", "format"] {
            #expect(!Redaction.isSecretKey(key), "\(key)")
        }
    }

    @Test func theCaretKeepsPointingAtTheSameText() {
        // At the masked value: the caret moves to the mask.
        #expect(Redaction.redact(line: "    password: Hunter2xyz", column: 15) == ("    password: ***", 15))
        // After a masked value: shifted by the difference in length.
        let (line, column) = Redaction.redact(line: "smtp: {password: LongSecret1, tls: none}", column: 36)
        #expect(line == "smtp: {password: ***, tls: none}")
        #expect(line.dropFirst(column - 1).hasPrefix("none"))
    }

    @Test func aDiagnosticNeverPrintsTheSecretItIsAbout() {
        let diagnostic = Diagnostic.error(
            "\"url\" must start with smtp://, not \"ftp://office:Pw1@h\"", at: FileLocation(file: "crier.yaml", line: 3, column: 8),
            hint: "Fix it", sourceLine: "  url: ftp://office:Pw1@h?token=T0k")
        #expect(diagnostic.description == """
            crier.yaml:3:8: error: "url" must start with smtp://, not "ftp://office:***@h". Fix it
                  url: ftp://office:***@h?token=***
                       ^
            """)
    }
}
