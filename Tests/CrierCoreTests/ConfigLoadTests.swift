import Testing
@testable import CrierCore

@Suite("Config loading")
struct ConfigLoadTests {
    func load(_ text: String) -> (Config?, [Diagnostic]) {
        var collector = DiagnosticCollector()
        let config = Config.load(path: "crier.yaml", directory: "/repo", text: text, into: &collector)
        return (config, collector.diagnostics)
    }

    @Test func defaultsAreResolvedAndPathsMadeAbsolute() throws {
        let (config, diagnostics) = load("timezone: Pacific/Auckland\n")
        #expect(diagnostics.isEmpty)
        let value = try #require(config)
        #expect(value.timeZone.identifier == "Pacific/Auckland")
        #expect(value.snapshotPath == "/repo/data/snapshot.sqlite")
        #expect(value.ledgerPath == "/repo/state/ledger.sqlite")
        #expect(value.outboxPath == "/repo/outbox")
        #expect(value.catchUpSeconds == 6 * 3600)
        #expect(value.sms.defaultRegion == .NZ)
        #expect(value.sms.maxSegments == 1)
        #expect(value.email.transport == .outbox)
    }

    @Test func unknownKeyIsLocatedWithSuggestion() {
        let (_, diagnostics) = load("timezone: UTC\nsnapshott: x.sqlite\n")
        #expect(diagnostics.map(\.description) == [
            "crier.yaml:2:1: error: unknown key \"snapshott\" in crier.yaml. Did you mean \"snapshot\"?\n    snapshott: x.sqlite\n    ^",
        ])
    }

    @Test func literalPasswordIsRefusedAndNeverEchoed() {
        let text = """
            email:
              from: a@b.example
              transport: smtp
              smtp:
                url: smtp://mail.example:587
                password: hunter2
            """
        let (_, diagnostics) = load(text)
        let errors = diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message == "a literal password is refused: secrets do not belong in YAML kept in git")
        #expect(errors.first?.location == FileLocation(file: "crier.yaml", line: 6, column: 15))
        #expect(errors.first?.hint == "Use password_env: VARIABLE_NAME or password_file: PATH instead")
    }

    @Test func smtpLimitsAreReadAndTheGatewayURLMustBeHTTP() throws {
        let (config, diagnostics) = load("""
            email:
              from: a@b.example
              transport: smtp
              smtp: { url: smtps://mail.example:465, connections: 8, rate: 300/m, max_per_day: 2000 }
            sms:
              transport: email-gateway
              email_gateway: { domain: sms.example.net }
            """)
        #expect(diagnostics.isEmpty)
        let value = try #require(config)
        #expect(value.email.smtp?.connections == 8)
        #expect(value.email.smtp?.ratePerSecond == 5)
        #expect(value.email.smtp?.maxPerDay == 2000)
        #expect(value.smtpChannels == [.email, .sms], "SMS through the email gateway count against the SMTP limits")

        let (_, bad) = load("sms:\n  transport: http\n  http: { url: file:///etc/passwd, format: json }\n")
        #expect(bad.map(\.description).first?.hasPrefix(
            "crier.yaml:3:16: error: \"url\" must start with https:// (or http:// for a gateway on this host), not \"file:///etc/passwd\"") == true,
            "\(bad.map(\.description))")
    }

    @Test func passwordSourcesAreRead() throws {
        let text = """
            email:
              from: Acme <a@b.example>
              transport: smtp
              smtp: { url: "smtps://mail.example:465", password_env: CRIER_SMTP_PASSWORD, rate: 20/s, max_per_day: 2000 }
            """
        let (config, diagnostics) = load(text)
        #expect(diagnostics.isEmpty)
        let smtp = try #require(config?.email.smtp)
        #expect(smtp.password == .environment("CRIER_SMTP_PASSWORD"))
        #expect(smtp.ratePerSecond == 20)
        #expect(smtp.maxPerDay == 2000)
        #expect(smtp.tls == .required)
    }

    @Test func badValuesAreAllReportedAtOnce() {
        let text = """
            timezone: Pacific/Aukland
            catch_up: soon
            sms:
              transport: carrier-pigeon
              default_region: XX
              max_segments: 0
            """
        let (_, diagnostics) = load(text)
        #expect(diagnostics.map(\.message) == [
            "unknown time zone \"Pacific/Aukland\"",
            "\"catch_up\" must be a duration such as 30m, 6h, 6 hours, 1d or 2 weeks, not \"soon\"",
            "\"transport\" must be one of outbox, http, email-gateway, not \"carrier-pigeon\"",
            "unknown default_region \"XX\"",
            "\"max_segments\" must be a whole number from 1 to 10, not \"0\"",
        ])
        #expect(diagnostics.first?.hint == "Did you mean \"Pacific/Auckland\"?")
        #expect(diagnostics.map { $0.location?.line } == [1, 2, 4, 5, 6])
    }

    @Test func yamlSyntaxErrorIsLocated() {
        let (config, diagnostics) = load("timezone: UTC\nsms: [unclosed\n")
        #expect(config == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location?.file == "crier.yaml")
        #expect((diagnostics.first?.location?.line ?? 0) >= 2)
        #expect(diagnostics.first?.message.hasPrefix("invalid YAML:") == true)
    }

    @Test func durationsParse() {
        #expect(DurationText.seconds("6h") == 21600)
        #expect(DurationText.seconds("1h30m") == 5400)
        #expect(DurationText.seconds("2d") == 172_800)
        #expect(DurationText.seconds("90s") == 90)
        #expect(DurationText.seconds("6") == nil)
        #expect(DurationText.seconds("h") == nil)
        #expect(DurationText.seconds("1x") == nil)
        #expect(DurationText.format(5400) == "1h30m")
        // One grammar everywhere: words and compact forms, spaces optional.
        #expect(DurationText.seconds("6 hours") == 21600)
        #expect(DurationText.seconds("36 hours") == 129_600)
        #expect(DurationText.seconds("1 hour 30 minutes") == 5400)
        #expect(DurationText.seconds("2 weeks") == 1_209_600)
        #expect(DurationText.seconds("6 H") == 21600)
        #expect(DurationText.seconds("6 fortnights") == nil)
        #expect(DurationText.seconds("hours") == nil)
        #expect(DurationText.seconds("") == nil)
    }
}

@Suite("Suggestion")
struct SuggestionTests {
    @Test func countsSwapsAsOneEdit() {
        #expect(Suggestion.editDistance("nmae", "name") == 1)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3)
    }

    @Test func suggestsOnlyCloseChoices() {
        #expect(Suggestion.closest(to: "snapshott", in: ["snapshot", "ledger"]) == "snapshot")
        #expect(Suggestion.closest(to: "zzz", in: ["snapshot", "ledger"]) == nil)
        #expect(Suggestion.hint(for: "zzz", in: ["a", "b"]) == "Valid: a, b.")
    }
}
