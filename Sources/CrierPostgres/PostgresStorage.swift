import CrierCore
import Foundation

/// A PostgreSQL ledger (`ledger: postgresql://...`), opened the way each command needs. Each
/// opened ledger is one connection; the run lock is a session advisory lock on it.
package struct PostgresStorage: LedgerStorage {
    /// The settings from crier.yaml.
    package let settings: PostgresLedgerSettings
    /// The password read from `ledger_options` (nil: libpq's PGPASSWORD or ~/.pgpass), or why
    /// it could not be read.
    package let password: Result<String?, PasswordProblem>
    /// What this process is (`crier run`), shown to other hosts holding or waiting for the lock.
    package let command: String

    /// A storage for `settings`.
    package init(settings: PostgresLedgerSettings, password: Result<String?, PasswordProblem>, command: String) {
        self.settings = settings
        self.password = password
        self.command = command
    }

    /// The hosts, database and schema (no user-info, no options).
    package var location: String { settings.displayName }

    /// Connects without migrating; nil when the schema holds no ledger yet. A schema that lacks
    /// one of this crier's migrations is older; one with an unknown migration is newer.
    package func openForReading() throws -> (any LedgerReader)? {
        let ledger = try connect(migrate: false)
        let applied = try ledger.appliedMigrations()
        guard let applied else { return nil }
        let known = Set(PostgresLedger.migrations.map(\.name))
        if !applied.isSubset(of: known) { throw LedgerError.newerSchema(location: location) }
        if applied != known { throw LedgerError.olderSchema(location: location) }
        return ledger
    }

    /// Connects, takes the run lock (`.locked` naming the holder when another host has it),
    /// then creates or migrates the schema.
    package func openForRun() throws -> any Ledger {
        let ledger = try connect(migrate: false)
        do {
            try ledger.lockRuns()
        } catch PostgresError.held(_, let holder) {
            throw LedgerError.locked(location: location, holder: holder)
        }
        try translated { try ledger.migrate() }
        return ledger
    }

    /// Connects and creates or migrates the schema (migrations take their own advisory lock, so
    /// no run lock is needed to change the suppression list).
    package func openForWriting() throws -> any Ledger {
        try connect(migrate: true)
    }

    private func connect(migrate: Bool) throws -> PostgresLedger {
        switch password {
        case .failure(let problem):
            throw LedgerError.cannotOpen(location: location, reason: problem.message)
        case .success(let password):
            return try translated { try PostgresLedger(settings: settings, password: password, command: command, migrate: migrate) }
        }
    }

    /// `body`, with its PostgreSQL errors as the port's `LedgerError`.
    private func translated<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PostgresError.newerSchema {
            throw LedgerError.newerSchema(location: location)
        } catch let error as PostgresError {
            throw LedgerError.cannotOpen(location: location, reason: error.reason)
        }
    }
}

/// Why the ledger's password could not be read (the variable or file it was looked for in).
package struct PasswordProblem: Error, Sendable {
    /// What went wrong and what to do.
    package var message: String

    /// A problem worded as `message`.
    package init(message: String) { self.message = message }
}

extension PostgresLedger {
    /// The migrations the schema has; nil when it holds no ledger.
    func appliedMigrations() throws -> Set<String>? {
        try locked { connection in
            guard try connection.execute("SELECT to_regclass('crier_migrations') IS NOT NULL AS present").first?["present"] == "t" else {
                return nil
            }
            return Set(try connection.execute("SELECT name FROM crier_migrations").rows.compactMap { $0["name"] })
        }
    }
}
