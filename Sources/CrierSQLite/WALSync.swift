import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Group commit for the records that must be on disk before crier goes on (the hand-over mark).
/// The ledger commits with `synchronous = NORMAL`: when a commit returns, its frames are in the
/// WAL file (in the OS's cache; they survive a crash of crier). Syncing the WAL file then puts
/// every commit that returned before the sync started on disk, which is what SQLite's
/// `synchronous = FULL` does at each commit. Here the sync runs outside the database's lock, so
/// the other workers' claims and settlements go on meanwhile, and the callers waiting at the same
/// time (the workers of parallel delivery) share one `fdatasync`.
final class WALSync: @unchecked Sendable {
    private let path: String
    private let flush: @Sendable (Int32) -> Int32
    private let condition = NSCondition()
    private var descriptor: Int32 = -1
    /// Tickets handed out: one per caller, each after its commit returned.
    private var issued: UInt64 = 0
    /// Every ticket up to this one is covered by a finished sync.
    private var synced: UInt64 = 0
    private var syncing = false
    private var syncCount = 0

    /// Syncs the WAL file at `walPath` (the ledger's path and `-wal`) with `flush` (`fdatasync`;
    /// tests pass a slower one).
    init(walPath: String, flush: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) }) {
        path = walPath
        self.flush = flush
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Syncs made so far.
    var syncs: Int {
        condition.lock()
        defer { condition.unlock() }
        return syncCount
    }

    /// Returns once every commit that returned before this call is on disk: joins a sync that
    /// starts after the call, or makes one.
    func syncCommitted() throws {
        condition.lock()
        defer { condition.unlock() }
        issued += 1
        let ticket = issued
        while synced < ticket {
            if syncing {
                condition.wait()
                continue
            }
            // Covers every ticket issued so far: their commits returned before this point.
            syncing = true
            let upTo = issued
            condition.unlock()
            let failure = syncFile()
            condition.lock()
            syncing = false
            condition.broadcast()
            if let failure { throw failure }
            syncCount += 1
            synced = max(synced, upTo)
        }
    }

    /// One `fdatasync` of the WAL file (opened the first time); only one caller at a time.
    private func syncFile() -> WALSyncError? {
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return WALSyncError(path: path, code: errno) }
        }
        while flush(descriptor) != 0 {
            guard errno == EINTR else { return WALSyncError(path: path, code: errno) }
        }
        return nil
    }
}

/// The WAL file could not be opened or synced (the system's reason): the record is not known to
/// be on disk, so what was to follow it does not happen.
struct WALSyncError: Error, CustomStringConvertible {
    let path: String
    let code: Int32

    var description: String { "cannot sync \(path): \(String(cString: strerror(code)))" }
}
