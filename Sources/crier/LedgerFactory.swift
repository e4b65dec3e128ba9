import CrierCore
import CrierDelivery
import CrierPostgres
import CrierSQLite
import Foundation

/// What `run` and `execute` need of a ledger beyond the core port.
protocol RunLedger: Ledger {
    /// Items of `channels` sent since `since` (the daily cap's use so far).
    func sentCount(channels: Set<Channel>, since: Date) throws -> Int
    /// Skips pending items whose recipient opted out since they were planned.
    @discardableResult func withdrawOptedOut(runID: Int64, at: Date) throws -> Int
}

extension LedgerStore: RunLedger {}
extension PostgresLedger: RunLedger {}

/// Opens the ledger crier.yaml's `ledger:` names: a SQLite file, or a PostgreSQL database.
enum LedgerFactory {
    /// The ledger with its run lock taken: exit 75 when another run holds it, 65 when it
    /// cannot be opened. The lock lasts as long as the returned `lock` value.
    static func openLocked(config: Config, command: String) throws -> (ledger: any RunLedger, lock: AnyObject) {
        switch config.ledger {
        case .sqlite(let path):
            let lock: LedgerLock
            do {
                lock = try LedgerLock(ledgerPath: path)
            } catch let error as LedgerLockError {
                printError("\(error)")
                if case .held = error { throw Exit.temporary }
                throw Exit.invalid
            }
            do {
                return (try LedgerStore(path: path), lock)
            } catch {
                printError("\(path): error: cannot open the ledger: \(error)")
                throw Exit.invalid
            }
        case .postgresql(let settings):
            let ledger = try postgres(settings, command: command)
            do {
                try ledger.lockRuns()
            } catch {
                throw exit(for: error)
            }
            return (ledger, ledger)
        }
    }

    /// A PostgreSQL ledger, connected and migrated; prints why not and exits otherwise.
    static func postgres(_ settings: PostgresLedgerSettings, command: String) throws -> PostgresLedger {
        var password: String?
        if let source = settings.password {
            switch SecretProblem.read(source, environment: ProcessInfo.processInfo.environment, owner: "crier.yaml ledger_options") {
            case .success(let value): password = value
            case .failure(let problem):
                printError("error: \(problem.message)")
                throw Exit.invalid
            }
        }
        do {
            return try PostgresLedger(settings: settings, password: password, command: command)
        } catch {
            throw exit(for: error)
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
