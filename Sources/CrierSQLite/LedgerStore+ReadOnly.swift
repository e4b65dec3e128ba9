import CrierCore
import Foundation
import GRDB

extension LedgerStore {
    /// Opens an existing ledger that this process may only read (SQLite refuses every write
    /// through it): for previews and forecasts, which record nothing. Nil when there is no
    /// ledger yet. Throws `LedgerReadError.notMigrated` when an older crier wrote it.
    package static func openReadOnly(path: String) throws -> LedgerStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.label = "ledger (read-only)"
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        guard try queue.read({ try migrator.hasCompletedMigrations($0) }) else {
            throw LedgerReadError.notMigrated(path: path)
        }
        return LedgerStore(path: path, queue: queue)
    }
}

/// Why a ledger cannot be read without writing to it.
package enum LedgerReadError: Error, CustomStringConvertible {
    /// The ledger's schema is older than this crier's.
    case notMigrated(path: String)

    /// The message, with what to do.
    package var description: String {
        switch self {
        case .notMigrated(let path):
            return "\(path): error: the ledger was written by an older crier and is read-only here. Run `crier run` once to bring it up to date"
        }
    }
}
