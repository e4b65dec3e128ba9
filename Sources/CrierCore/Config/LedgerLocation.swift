import Foundation
import Yams

/// Where the run ledger lives (`ledger:` in crier.yaml): a SQLite file, the default, or a
/// PostgreSQL database that several hosts share.
package enum LedgerLocation: Sendable, Equatable {
    /// A SQLite file (absolute, or relative to the working directory).
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgresql(PostgresLedgerSettings)

    /// Whether `text` names a PostgreSQL database rather than a file: a `postgresql://` or
    /// `postgres://` URL, or a libpq keyword/value string (`host=db1 dbname=crier`).
    package static func isPostgres(_ text: String) -> Bool {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") { return true }
        guard let equals = text.firstIndex(of: "=") else { return false }
        let keyword = text[..<equals].trimmingCharacters(in: .whitespaces)
        return !keyword.isEmpty && keyword.allSatisfy { $0.isLetter || $0 == "_" }
    }
}

/// A PostgreSQL ledger's connection, as crier.yaml gives it.
package struct PostgresLedgerSettings: Sendable, Equatable {
    /// The libpq URL or keyword/value string, without crier's own `schema` option. It never
    /// holds a password.
    package var connection: String
    /// The schema holding crier's tables (`schema=` in the connection; default `crier`), so
    /// several configs can share one database.
    package var schema: String
    /// Where the password is read (`ledger_options: {password_env: X}` or `password_file:`);
    /// nil: libpq's own `PGPASSWORD`, `PGPASSFILE` or `~/.pgpass`.
    package var password: SecretSource?

    /// The default schema.
    package static let defaultSchema = "crier"

    /// Settings as given.
    package init(connection: String, schema: String, password: SecretSource?) {
        self.connection = connection
        self.schema = schema
        self.password = password
    }

    /// Why a connection text is refused.
    package enum Problem: Error, Equatable, Sendable {
        /// A password in the URL's user-info, its query string or a `password=` keyword.
        case password
        /// A `schema=` that is no plain SQL name.
        case schema(String)
        /// An unterminated quote in a keyword/value string.
        case syntax(String)
    }

    /// Reads a `ledger:` value that `LedgerLocation.isPostgres` accepted: takes out `schema=`,
    /// refuses any password.
    package static func parse(_ text: String, password: SecretSource? = nil) -> Result<PostgresLedgerSettings, Problem> {
        let parsed = text.contains("://") ? parseURL(text) : parseKeywords(text)
        return parsed.flatMap { connection, schema in
            let name = schema ?? defaultSchema
            guard isPlainName(name) else { return .failure(.schema(name)) }
            return .success(PostgresLedgerSettings(connection: connection, schema: name, password: password))
        }
    }

    /// Where the ledger is, for messages: the hosts and the database, never the user-info or
    /// the options (`postgresql://db1.example,db2.example/crier schema crier`).
    package var displayName: String {
        var hosts = "", database = ""
        if connection.contains("://") {
            let rest = connection[connection.range(of: "://")!.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            hosts = String(authority.split(separator: "@", omittingEmptySubsequences: false).last ?? "")
            let path = rest.dropFirst(authority.count)
            if path.hasPrefix("/") { database = String(path.dropFirst().prefix { $0 != "?" }) }
        } else if case .success(let pairs) = Self.keywordPairs(connection) {
            hosts = pairs.first { $0.key == "host" || $0.key == "hostaddr" }?.value ?? ""
            let port = pairs.first { $0.key == "port" }?.value
            if let port, !hosts.isEmpty { hosts += ":\(port)" }
            database = pairs.first { $0.key == "dbname" }?.value ?? ""
        }
        return "postgresql://\(hosts)/\(database) schema \(schema)"
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, at most 63 bytes: a name that needs no quoting.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
        return letters.contains(first) && name.unicodeScalars.allSatisfy { letters.contains($0) || ("0"..."9").contains($0) }
    }

    private static func parseURL(_ text: String) -> Result<(String, String?), Problem> {
        let start = text.range(of: "://")!.upperBound
        let authority = text[start...].prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return .failure(.password) }
        guard let question = text.firstIndex(of: "?") else { return .success((text, nil)) }
        var schema: String?
        var kept: [Substring] = []
        for pair in text[text.index(after: question)...].split(separator: "&") {
            let key = pair.prefix { $0 != "=" }
            let value = pair.dropFirst(key.count + 1)
            switch key.removingPercentEncoding ?? String(key) {
            case "password": return .failure(.password)
            case "schema": schema = String(value).removingPercentEncoding ?? String(value)
            default: kept.append(pair)
            }
        }
        let base = String(text[..<question])
        return .success((kept.isEmpty ? base : base + "?" + kept.joined(separator: "&"), schema))
    }

    private static func parseKeywords(_ text: String) -> Result<(String, String?), Problem> {
        keywordPairs(text).flatMap { pairs in
            if pairs.contains(where: { $0.key == "password" }) { return .failure(.password) }
            let kept = pairs.filter { $0.key != "schema" }.map { "\($0.key)=\(quoted($0.value))" }
            return .success((kept.joined(separator: " "), pairs.last { $0.key == "schema" }?.value))
        }
    }

    /// libpq's keyword/value syntax: `key = value` pairs separated by spaces; a value may be
    /// single-quoted, with `\'` and `\\` inside.
    static func keywordPairs(_ text: String) -> Result<[(key: String, value: String)], Problem> {
        var pairs: [(key: String, value: String)] = []
        var rest = Substring(text)
        func skipSpaces() { rest = rest.drop { $0.isWhitespace } }
        while true {
            skipSpaces()
            guard !rest.isEmpty else { return .success(pairs) }
            let key = rest.prefix { $0 != "=" && !$0.isWhitespace }
            rest = rest.dropFirst(key.count)
            skipSpaces()
            guard rest.first == "=" else { return .failure(.syntax("\"\(key)\" has no \"=\" and value")) }
            rest = rest.dropFirst()
            skipSpaces()
            var value = ""
            if rest.first == "'" {
                rest = rest.dropFirst()
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let next = rest.first {
                        value.append(next)
                        rest = rest.dropFirst()
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return .failure(.syntax("the value of \"\(key)\" has no closing quote")) }
            } else {
                value = String(rest.prefix { !$0.isWhitespace })
                rest = rest.dropFirst(value.count)
            }
            pairs.append((String(key), value))
        }
    }

    private static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

extension PostgresLedgerSettings {
    /// Reads `ledger:` (a PostgreSQL URL or keyword string) and `ledger_options:` of crier.yaml.
    /// A password in the connection is refused (and masked in the message's source line, as
    /// every diagnostic is).
    static func load(_ node: Node, text: String, in top: YAMLMapping, directory: String,
                     into diagnostics: inout DiagnosticCollector) -> PostgresLedgerSettings? {
        var password: SecretSource?
        if let options = top.mapping("ledger_options", in: "crier.yaml", into: &diagnostics) {
            options.rejectUnknownKeys(allowed: ["password", "password_env", "password_file"], in: "ledger_options", into: &diagnostics)
            password = SecretSource.load(options, prefix: "password", directory: directory, into: &diagnostics)
        }
        switch parse(text, password: password) {
        case .success(let settings):
            return settings
        case .failure(.password):
            // Diagnostic masks the source line by the Redaction rule.
            diagnostics.add(top.file.error(
                "a password in the ledger's connection is refused: secrets do not belong in YAML kept in git", at: node,
                hint: "Remove it, and give it with ledger_options: {password_env: VARIABLE_NAME}, PGPASSWORD or ~/.pgpass"))
        case .failure(.schema(let name)):
            diagnostics.add(top.file.error(
                "the ledger's schema \"\(name)\" is not a plain SQL name", at: node,
                hint: "Use letters, digits and underscores, starting with a letter (schema=crier_acme)"))
        case .failure(.syntax(let problem)):
            diagnostics.add(top.file.error("the ledger's connection string cannot be read: \(problem)", at: node,
                                           hint: "Write it as host=db1 dbname=crier, or as a postgresql:// URL"))
        }
        return nil
    }
}
