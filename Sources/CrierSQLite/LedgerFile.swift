import CrierCore
import Foundation
import GRDB

/// A SQLite ledger file (`ledger: state/ledger.sqlite`), opened the way each command needs.
package struct LedgerFile: LedgerStorage {
    /// The file's path.
    package let path: String

    /// The ledger at `path`.
    package init(path: String) { self.path = path }

    /// The path.
    package var location: String { path }

    /// Read-only, never migrated; nil when the file does not exist.
    package func openForReading() throws -> (any LedgerReader)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store: LedgerStore
        let version: LedgerSchema.Version
        do {
            store = try LedgerStore(readingOnly: path)
            version = try store.queue.read(LedgerSchema.version(of:))
        } catch {
            throw LedgerError.cannotOpen(location: path, reason: Self.reason(error))
        }
        switch version {
        case .current: return store
        case .empty, .older: throw LedgerError.olderSchema(location: path)
        case .newer: throw LedgerError.newerSchema(location: path)
        }
    }

    /// Takes the flock of `PATH.lock`, then opens and migrates.
    package func openForRun() throws -> any Ledger {
        let lock = try takeLock()
        return try open(lock: lock)
    }

    /// Opens and migrates; takes the lock only when there is something to migrate.
    package func openForWriting() throws -> any Ledger {
        // A current schema needs no migration, so no lock: a run may be going on meanwhile.
        if (try? openForReading()) != nil { return try open(lock: nil) }
        let lock = try takeLock()
        return try withExtendedLifetime(lock) { try open(lock: nil) }
    }

    private func takeLock() throws -> LedgerLock {
        do {
            return try LedgerLock(ledgerPath: path)
        } catch LedgerLockError.held(_, let pid) {
            throw LedgerError.locked(location: path, holder: pid)
        } catch LedgerLockError.cannotOpen(let lockPath, let reason) {
            throw LedgerError.cannotOpen(location: lockPath, reason: reason)
        }
    }

    private func open(lock: LedgerLock?) throws -> LedgerStore {
        do {
            return try LedgerStore(path: path, lock: lock)
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.cannotOpen(location: path, reason: Self.reason(error))
        }
    }

    /// SQLite's own words for `error`, without GRDB's statement dump.
    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode.rawValue)" }
        return "\(error)"
    }
}
