import CrierCore
import CrierDelivery
import CrierPostgres
import CrierSQLite
import Foundation

/// The ledger storage crier.yaml's `ledger:` names: a SQLite file, or a PostgreSQL database.
enum LedgerFactory {
    /// The storage of `config`'s ledger for `command`; `now` starts the day whose
    /// `max_per_day` a PostgreSQL ledger counts again inside each claim.
    static func storage(config: Config, command: String, now: Date) throws -> any LedgerStorage {
        switch config.ledger {
        case .sqlite(let path):
            return LedgerFile(path: path)
        case .postgresql(let settings):
            var cap: ClaimCap?
            if let limit = config.email.smtp?.maxPerDay, !config.smtpChannels.isEmpty {
                cap = ClaimCap(limit: limit, channels: config.smtpChannels, since: WallClock.startOfDay(containing: now, in: config.timeZone))
            }
            return PostgresLedgerStorage(settings: settings, password: try password(settings), command: command, claimCap: cap)
        }
    }

    /// The password `ledger_options` gives, if any; prints why not and exits 65.
    static func password(_ settings: PostgresLedgerSettings) throws -> String? {
        guard let source = settings.password else { return nil }
        switch SecretProblem.read(source, environment: ProcessInfo.processInfo.environment, owner: "crier.yaml ledger_options") {
        case .success(let value):
            return value
        case .failure(let problem):
            printError("error: \(problem.message)")
            throw Exit.invalid
        }
    }

    /// Prints `error` and gives its exit code: 75 for what the next run may not meet (a held
    /// lock, a server down or unreachable), 65 for what a person must fix (credentials, a
    /// database that does not exist, a newer schema).
    static func exit(for error: any Error) -> any Error {
        printError("\(error)")
        switch error as? PostgresError {
        case .held?, .connectionLost?:
            return Exit.temporary
        case .cannotConnect(_, let message)?:
            let fixable = ["password", "authentication", "does not exist", "certificate", "SSL", "role"]
            return fixable.contains { message.contains($0) } ? Exit.invalid : Exit.temporary
        default:
            return Exit.invalid
        }
    }
}
