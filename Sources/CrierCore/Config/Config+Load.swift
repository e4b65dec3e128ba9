import Foundation
import Yams

extension Config {
    /// The keys crier.yaml may have.
    static let topLevelKeys = ["timezone", "snapshot", "ledger", "catch_up", "email", "sms", "outbox", "quiet_hours", "opt_out_query", "ledger_options",
                               "snapshot_max_age", "attachments_dir", "metrics", "log_format"]

    /// Reads crier.yaml's text. Every problem is collected; nil only when the settings cannot be
    /// used at all (a syntax error or a top level that is not a mapping).
    package static func load(path: String, directory: String, text: String, into diagnostics: inout DiagnosticCollector) -> Config? {
        let file = YAMLFile(path: path, text: text)
        let root: Node
        switch file.compose() {
        case .failure(let diagnostic):
            diagnostics.add(diagnostic)
            return nil
        case .success(nil):
            root = Node([(Node, Node)]())
        case .success(let node?):
            root = node
        }
        guard let top = YAMLMapping.read(root, in: file, what: "crier.yaml", into: &diagnostics) else { return nil }
        top.rejectUnknownKeys(allowed: topLevelKeys, in: "crier.yaml", into: &diagnostics)

        let zone = readTimeZone(top, key: "timezone", into: &diagnostics) ?? TimeZone(identifier: "UTC")!
        func resolve(_ key: String, default fallback: String) -> String {
            let relative = top.string(key, in: "crier.yaml", into: &diagnostics) ?? fallback
            return Config.resolve(relative, against: directory)
        }
        var catchUp = defaultCatchUpSeconds
        if let node = top["catch_up"] {
            if let text = node.scalar?.string, let seconds = DurationText.seconds(text) {
                catchUp = seconds
            } else {
                diagnostics.add(file.error("\"catch_up\" must be \(DurationText.examples), not \(top.quoted(node))", at: node))
            }
        }
        let email = EmailSettings.load(top.mapping("email", in: "crier.yaml", into: &diagnostics), directory: directory, into: &diagnostics)
        let sms = SMSSettings.load(top.mapping("sms", in: "crier.yaml", into: &diagnostics), directory: directory, into: &diagnostics)
        var postgres: PostgresLedgerSettings?
        var ledgerUnusable = false
        if let node = top["ledger"], let text = node.scalar?.string, LedgerLocation.isPostgres(text) {
            postgres = PostgresLedgerSettings.load(node, text: text, in: top, directory: directory, into: &diagnostics)
            ledgerUnusable = postgres == nil
        } else if let node = top["ledger_options"] {
            diagnostics.add(file.warning("ledger_options apply to a PostgreSQL ledger only; the SQLite ledger ignores them", at: node))
        }
        var config = Config(
            file: path, directory: directory, timeZone: zone,
            snapshotPath: resolve("snapshot", default: "data/snapshot.sqlite"),
            ledgerPath: resolve("ledger", default: "state/ledger.sqlite"),
            catchUpSeconds: catchUp, email: email, sms: sms,
            outboxPath: resolve("outbox", default: "outbox"),
            quietHours: QuietHours.load(top, file: file, into: &diagnostics),
            optOutQuery: OptOutQuery.load(top, file: file, into: &diagnostics),
            snapshotMaxAge: SnapshotMaxAge.load(top, file: file, into: &diagnostics))
        config.postgresLedger = postgres
        config.attachmentsDir = top.string("attachments_dir", in: "crier.yaml", into: &diagnostics).map { Config.resolve($0, against: directory) }
        config.loadObservability(top, into: &diagnostics)
        // A PostgreSQL ledger that cannot be used must not fall back to a file of that name.
        return ledgerUnusable ? nil : config
    }

    /// `path` made absolute against `directory` (already absolute paths stay).
    package static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        if directory.isEmpty || directory == "." { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// An IANA zone under `key`, with a suggestion when it is misspelt.
    static func readTimeZone(_ mapping: YAMLMapping, key: String, into diagnostics: inout DiagnosticCollector) -> TimeZone? {
        guard let node = mapping[key], let name = node.scalar?.string else { return nil }
        // IANA names, the backward-compatible ones too (`NZ`, `GB`, `US/Eastern`); not the
        // abbreviations and offsets (`NZST`, `GMT+13`) Foundation would also take.
        let offset = (name.hasPrefix("GMT") || name.hasPrefix("UTC")) && name.count > 3
        if let zone = TimeZone(identifier: name), !offset {
            return zone
        }
        let near = Suggestion.closest(to: name, in: TimeZone.knownTimeZoneIdentifiers)
        diagnostics.add(mapping.file.error(
            "unknown time zone \"\(name)\"", at: node,
            hint: near.map { "Did you mean \"\($0)\"?" } ?? "Use an IANA name such as Pacific/Auckland or Australia/Sydney"))
        return nil
    }
}

extension SecretSource {
    /// Reads `password_env` / `password_file` from `mapping`; a literal `password` is refused.
    static func load(_ mapping: YAMLMapping, prefix: String, directory: String, into diagnostics: inout DiagnosticCollector) -> SecretSource? {
        if let literal = mapping["\(prefix)"] {
            diagnostics.add(mapping.file.error(
                "a literal \(prefix) is refused: secrets do not belong in YAML kept in git", at: literal,
                hint: "Use \(prefix)_env: VARIABLE_NAME or \(prefix)_file: PATH instead"))
        }
        let env = mapping.string("\(prefix)_env", in: "", into: &diagnostics)
        let file = mapping.string("\(prefix)_file", in: "", into: &diagnostics)
        if env != nil, file != nil, let node = mapping["\(prefix)_file"] {
            diagnostics.add(mapping.file.error("give either \(prefix)_env or \(prefix)_file, not both", at: node))
        }
        if let env { return .environment(env) }
        if let file { return .file(Config.resolve(file, against: directory)) }
        return nil
    }

    /// Where the `password_env` or `password_file` of `mapping` is written.
    static func place(in mapping: YAMLMapping, prefix: String) -> SettingPlace? {
        guard let node = mapping["\(prefix)_env"] ?? mapping["\(prefix)_file"] else { return nil }
        let location = mapping.file.location(of: node)
        return SettingPlace(location: location, sourceLine: mapping.file.sourceLine(location.line))
    }
}

/// Refuses credentials that would cross the network in clear text: `what` (the setting that
/// makes it so, at `node`) with credentials, to a host that is not this machine.
func refuseClearText(_ url: String, credentials: Bool, at node: Node?, in mapping: YAMLMapping, what: String, fix: String,
                     into diagnostics: inout DiagnosticCollector) {
    guard credentials, let node, let parsed = URLSetting(url), !parsed.isLoopback else { return }
    diagnostics.add(mapping.file.error(
        "\(what) would send the credentials in clear text to \(parsed.host)", at: node,
        hint: "\(fix); credentials without TLS are accepted only for a server on this machine (localhost, 127.0.0.1, ::1)"))
}

extension EmailSettings {
    static let keys = ["from", "reply_to", "transport", "smtp", "envelope_from", "archive_bcc"]

    static func load(_ mapping: YAMLMapping?, directory: String, into diagnostics: inout DiagnosticCollector) -> EmailSettings {
        var settings = EmailSettings(from: nil, replyTo: [], transport: .outbox, smtp: nil)
        guard let mapping else { return settings }
        mapping.rejectUnknownKeys(allowed: keys, in: "email", into: &diagnostics)
        if let node = mapping["from"], let text = node.scalar?.string {
            do { settings.from = try Mailbox.parse(text) } catch {
                diagnostics.add(mapping.file.error("\"from\" is not a mailbox: \(error.message)", at: node,
                                                   hint: "Write it as Name <address@example.com>"))
            }
        }
        if let node = mapping["reply_to"], let text = node.scalar?.string {
            do { settings.replyTo = try Mailbox.parseList(text) } catch {
                diagnostics.add(mapping.file.error("\"reply_to\" is not a mailbox list: \(error.message)", at: node))
            }
        }
        settings.envelopeFrom = address(mapping, "envelope_from", into: &diagnostics)
        settings.archiveBcc = address(mapping, "archive_bcc", into: &diagnostics)
        settings.transport = readChoice(mapping, "transport", default: .outbox, into: &diagnostics)
        if let smtp = mapping.mapping("smtp", in: "email", into: &diagnostics) {
            settings.smtp = SMTPSettings.load(smtp, directory: directory, into: &diagnostics)
        }
        if settings.transport == .smtp, settings.smtp == nil, let node = mapping["transport"] {
            diagnostics.add(mapping.file.error("transport is smtp but there is no \"smtp\" section", at: node,
                                               hint: "Add email.smtp with at least url"))
        }
        return settings
    }
}

extension EmailSettings {
    /// A bare email address under `key` (envelope addresses carry no display name).
    static func address(_ mapping: YAMLMapping, _ key: String, into diagnostics: inout DiagnosticCollector) -> String? {
        guard let node = mapping[key] else { return nil }
        if let text = node.scalar?.string, let address = EmailAddress.parse(text) { return address.normalized }
        diagnostics.add(mapping.file.error("\"\(key)\" must be an email address, not \(mapping.quoted(node))", at: node,
                                           hint: "Write a bare address such as bounces@acme.example"))
        return nil
    }
}

/// Reads an enum-valued key, listing the choices when the value is not one of them.
func readChoice<T: RawRepresentable & CaseIterable>(_ mapping: YAMLMapping, _ key: String, default fallback: T, into diagnostics: inout DiagnosticCollector) -> T where T.RawValue == String {
    guard let node = mapping[key] else { return fallback }
    let text = node.scalar?.string ?? ""
    if let value = T(rawValue: text) { return value }
    let choices = T.allCases.map(\.rawValue)
    diagnostics.add(mapping.file.error("\"\(key)\" must be one of \(choices.joined(separator: ", ")), not \(mapping.quoted(node))",
                                       at: node, hint: Suggestion.closest(to: text, in: choices).map { "Did you mean \"\($0)\"?" }))
    return fallback
}

extension SMTPSettings {
    static let keys = ["url", "tls", "username", "password", "password_env", "password_file", "ca_file",
                       "connections", "rate", "max_per_day"]

    static func load(_ mapping: YAMLMapping, directory: String, into diagnostics: inout DiagnosticCollector) -> SMTPSettings? {
        mapping.rejectUnknownKeys(allowed: keys, in: "email.smtp", into: &diagnostics)
        let url = mapping.string("url", required: true, in: "email.smtp", into: &diagnostics) ?? ""
        if let node = mapping["url"], !(url.hasPrefix("smtp://") || url.hasPrefix("smtps://")) {
            diagnostics.add(mapping.file.error("\"url\" must start with smtp:// (STARTTLS) or smtps:// (implicit TLS), not \"\(url)\"", at: node))
        }
        if let node = mapping["url"] {
            diagnostics.add(contentsOf: URLSetting.secretProblems(
                of: node, named: "email.smtp.url", in: mapping.file,
                fix: "set username: and password_env: VARIABLE (or password_file: PATH) instead"))
        }
        var rate: Double?
        if let node = mapping["rate"] {
            let text = node.scalar?.string ?? ""
            let parts = text.split(separator: "/")
            let perUnit: [String: Double] = ["s": 1, "m": 60, "h": 3600]
            if parts.count == 2, let count = Double(parts[0]), count > 0, let unit = perUnit[String(parts[1])] {
                rate = count / unit
            } else {
                diagnostics.add(mapping.file.error("\"rate\" must look like 20/s, 300/m or 1000/h, not \(mapping.quoted(node))", at: node))
            }
        }
        let tls: SMTPSettings.TLS = readChoice(mapping, "tls", default: .required, into: &diagnostics)
        let username = mapping.string("username", in: "email.smtp", into: &diagnostics)
        if tls == .none, url.lowercased().hasPrefix("smtp://") {
            refuseClearText(url, credentials: username != nil, at: mapping["tls"], in: mapping, what: "tls: none with a username",
                            fix: "Use tls: required (STARTTLS) or an smtps:// URL", into: &diagnostics)
        }
        return SMTPSettings(
            url: url,
            tls: tls,
            username: username,
            password: SecretSource.load(mapping, prefix: "password", directory: directory, into: &diagnostics),
            passwordSetting: SecretSource.place(in: mapping, prefix: "password"),
            caFile: mapping.string("ca_file", in: "email.smtp", into: &diagnostics).map { Config.resolve($0, against: directory) },
            connections: mapping.int("connections", in: 1...64, into: &diagnostics) ?? 1,
            ratePerSecond: rate,
            maxPerDay: mapping.int("max_per_day", in: 1...10_000_000, into: &diagnostics))
    }
}

extension SMSSettings {
    static let keys = ["transport", "default_region", "max_segments", "http", "email_gateway", "allowed_regions"]

    static func load(_ mapping: YAMLMapping?, directory: String, into diagnostics: inout DiagnosticCollector) -> SMSSettings {
        var settings = SMSSettings(transport: .outbox, defaultRegion: .NZ, maxSegments: 1, http: nil, emailGatewayDomain: nil)
        guard let mapping else { return settings }
        mapping.rejectUnknownKeys(allowed: keys, in: "sms", into: &diagnostics)
        settings.transport = readChoice(mapping, "transport", default: .outbox, into: &diagnostics)
        if let node = mapping["default_region"] {
            let text = node.scalar?.string ?? ""
            if let region = PhoneRegion(code: text) {
                settings.defaultRegion = region
            } else {
                diagnostics.add(mapping.file.error(
                    "unknown default_region \(mapping.quoted(node))", at: node,
                    hint: "Supported: " + PhoneRegion.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
        settings.maxSegments = mapping.int("max_segments", in: 1...10, into: &diagnostics) ?? 1
        if let node = mapping["allowed_regions"] {
            var regions = Set<PhoneRegion>()
            for entry in node.sequence.map(Array.init) ?? [node] {
                if let region = entry.string.flatMap(PhoneRegion.init(code:)) {
                    regions.insert(region)
                } else {
                    diagnostics.add(mapping.file.error(PhoneRegion.unsupportedCodeMessage(entry.string ?? "\(entry)") + " in \"allowed_regions\"",
                                                       at: entry, hint: "Write e.g. `allowed_regions: [NZ, AU]`"))
                }
            }
            settings.allowedRegions = regions
        }
        if let http = mapping.mapping("http", in: "sms", into: &diagnostics) {
            http.rejectUnknownKeys(allowed: ["url", "format", "username", "password", "password_env", "password_file", "from"],
                                   in: "sms.http", into: &diagnostics)
            let url = http.string("url", required: true, in: "sms.http", into: &diagnostics) ?? ""
            if let node = http["url"], !url.isEmpty, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                diagnostics.add(http.file.error("\"url\" must start with https:// (or http:// for a gateway on this host), not \"\(url)\"", at: node))
            }
            if let node = http["url"] {
                diagnostics.add(contentsOf: URLSetting.secretProblems(
                    of: node, named: "sms.http.url", in: http.file,
                    fix: "set username: and password_env: VARIABLE (or password_file: PATH) instead"))
            }
            let username = http.string("username", in: "sms.http", into: &diagnostics)
            let password = SecretSource.load(http, prefix: "password", directory: directory, into: &diagnostics)
            if url.lowercased().hasPrefix("http://") {
                refuseClearText(url, credentials: username != nil || password != nil, at: http["url"], in: http, what: "an http:// gateway URL with credentials",
                                fix: "Use the gateway's https:// URL", into: &diagnostics)
            }
            settings.http = HTTPGatewaySettings(
                url: url,
                format: readChoice(http, "format", default: .json, into: &diagnostics),
                username: username,
                password: password,
                passwordSetting: SecretSource.place(in: http, prefix: "password"),
                from: http.string("from", in: "sms.http", into: &diagnostics))
        }
        if let gateway = mapping.mapping("email_gateway", in: "sms", into: &diagnostics) {
            gateway.rejectUnknownKeys(allowed: ["domain"], in: "sms.email_gateway", into: &diagnostics)
            settings.emailGatewayDomain = gateway.string("domain", required: true, in: "sms.email_gateway", into: &diagnostics)
        }
        if settings.transport == .http, settings.http == nil, let node = mapping["transport"] {
            diagnostics.add(mapping.file.error("transport is http but there is no \"http\" section", at: node))
        }
        if settings.transport == .emailGateway, settings.emailGatewayDomain == nil, let node = mapping["transport"] {
            diagnostics.add(mapping.file.error("transport is email-gateway but there is no \"email_gateway\" section with a domain", at: node))
        }
        return settings
    }
}
