import Testing
@testable import CrierCore

@Suite("Ledger location")
struct LedgerLocationTests {
    func load(_ text: String) -> (Config?, [String]) {
        var collector = DiagnosticCollector()
        let config = Config.load(path: "crier.yaml", directory: "/repo", text: text, into: &collector)
        return (config, collector.diagnostics.map(\.description))
    }

    @Test func aPathIsSQLiteAndAURLOrKeywordStringIsPostgres() throws {
        #expect(load("ledger: state/l.sqlite\n").0?.ledger == .sqlite(path: "/repo/state/l.sqlite"))
        let url = try #require(load("ledger: postgresql://crier@db1.example,db2.example/crier?sslmode=verify-full&schema=acme\n").0)
        #expect(url.ledger == .postgresql(PostgresLedgerSettings(
            connection: "postgresql://crier@db1.example,db2.example/crier?sslmode=verify-full", schema: "acme", password: nil)))
        let keywords = try #require(load("ledger: \"host=db1 port=5433 dbname='my db' schema=acme\"\n").0?.postgresLedger)
        #expect(keywords.connection == "host='db1' port='5433' dbname='my db'")
        #expect(keywords.schema == "acme")
        #expect(keywords.displayName == "postgresql://db1:5433/my db schema acme")
        #expect(try #require(load("ledger: postgres://db/crier\n").0?.postgresLedger).schema == "crier")
    }

    @Test func thePasswordComesFromLedgerOptions() throws {
        let (config, diagnostics) = load("ledger: postgresql://db/crier\nledger_options: {password_env: CRIER_PG_PASSWORD}\n")
        #expect(diagnostics.isEmpty)
        #expect(config?.postgresLedger?.password == .environment("CRIER_PG_PASSWORD"))
    }

    @Test func aPasswordInTheConnectionIsRefusedAndMasked() {
        for ledger in ["postgresql://crier:hunter2@db/crier", "postgresql://db/crier?password=hunter2", "'host=db password=hunter2'"] {
            let (config, diagnostics) = load("timezone: UTC\nledger: \(ledger)\n")
            #expect(config == nil, "a refused ledger must not fall back to a file")
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?.hasPrefix("crier.yaml:2:9: error: a password in the ledger's connection is refused: secrets do not belong in YAML kept in git. Remove it, and give it with ledger_options: {password_env: VARIABLE_NAME}, PGPASSWORD or ~/.pgpass\n    ledger: ") == true)
            #expect(diagnostics.first?.contains("hunter2") == false)
        }
    }

    @Test func aSchemaThatIsNoPlainNameIsRefused() {
        let (config, diagnostics) = load("ledger: postgresql://db/crier?schema=a-b\n")
        #expect(config == nil)
        #expect(diagnostics == ["crier.yaml:1:9: error: the ledger's schema \"a-b\" is not a plain SQL name. Use letters, digits and underscores, starting with a letter (schema=crier_acme)\n    ledger: postgresql://db/crier?schema=a-b\n            ^"])
    }

    @Test func ledgerOptionsBesideAFileAreNamedAsIgnored() {
        let (config, diagnostics) = load("ledger: state/l.sqlite\nledger_options: {password_env: X}\n")
        #expect(config != nil)
        #expect(diagnostics.first?.hasPrefix("crier.yaml:2:17: warning: ledger_options apply to a PostgreSQL ledger only") == true)
    }
}
