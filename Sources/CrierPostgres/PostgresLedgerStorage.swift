import CrierCore
import Foundation

/// A PostgreSQL ledger (`ledger: postgresql://...`), opened the way each command needs.
package struct PostgresLedgerStorage: LedgerStorage {
    /// Where it is.
    package var settings: PostgresLedgerSettings
    /// The password from `ledger_options`, if any (else libpq's own sources).
    package var password: String?
    /// The command, named to other hosts in pg_stat_activity.
    package var command: String
    /// `max_per_day`, counted again inside each claim (several hosts share the cap).
    package var claimCap: ClaimCap?

    /// A storage of `settings`.
    package init(settings: PostgresLedgerSettings, password: String?, command: String, claimCap: ClaimCap? = nil) {
        self.settings = settings
        self.password = password
        self.command = command
        self.claimCap = claimCap
    }

    /// The hosts, database and schema (never the user-info).
    package var location: String { settings.displayName }

    /// Connected without migrating; nil when the schema has no crier tables yet.
    package func openForReading() throws -> (any LedgerReader)? {
        let ledger = try PostgresLedger(settings: settings, password: password, command: command, migrate: false)
        switch try ledger.schemaVersion() {
        case nil: return nil
        case .older?: throw LedgerError.olderSchema(location: location)
        case .newer?: throw LedgerError.newerSchema(location: location)
        case .current?: return ledger
        }
    }

    /// Connected, migrated, holding the run lock (a session advisory lock).
    package func openForRun() throws -> any Ledger {
        let ledger = try connect()
        do {
            try ledger.lockRuns()
        } catch PostgresError.held(let server, let holder) {
            throw LedgerError.locked(location: server, holder: holder)
        }
        return ledger
    }

    /// Connected and migrated (migrations run in one transaction under an advisory lock).
    package func connect() throws -> PostgresLedger {
        let ledger = try PostgresLedger(settings: settings, password: password, command: command)
        ledger.claimCap = claimCap
        return ledger
    }

    /// Connected and migrated.
    package func openForWriting() throws -> any Ledger { try connect() }
}

extension PostgresLedger {
    /// Where the schema's migrations stand against this crier's; nil when it has none.
    func schemaVersion() throws -> LedgerSchemaVersion? {
        try locked { connection in
            let exists = try connection.execute("SELECT to_regclass('crier_migrations') IS NOT NULL AS found").first?["found"] == "t"
            guard exists else { return nil }
            let applied = Set(try connection.execute("SELECT name FROM crier_migrations").rows.compactMap { $0["name"] })
            let known = Set(Self.migrations.map(\.name))
            if !applied.subtracting(known).isEmpty { return .newer }
            return applied == known ? .current : .older
        }
    }
}

/// Where a PostgreSQL ledger's schema stands.
enum LedgerSchemaVersion {
    case older, current, newer
}
