import CrierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks, before a run opens the ledger for writing, that it can write it: the file, its
/// folder and SQLite's `-wal` / `-shm` sidecars. A sidecar left read-only after the ledger was
/// made writable again (SQLite gives it the ledger's mode when it creates it) is given the
/// ledger's mode when this user owns it, so the run recovers on its own.
enum LedgerFileAccess {
    /// Throws `LedgerError.readOnly` naming what cannot be written.
    static func prepareForWriting(_ path: String) throws {
        var ledger = stat()
        guard stat(path, &ledger) == 0 else { return }
        guard access(path, W_OK) == 0 else { throw LedgerError.readOnly(location: path, file: path) }
        let folder = (path as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0 else {
            throw LedgerError.readOnly(location: path, file: folder.isEmpty ? "." : folder)
        }
        for sidecar in [path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(sidecar, &info) == 0, access(sidecar, W_OK) != 0 else { continue }
            if info.st_uid == geteuid(), chmod(sidecar, ledger.st_mode & 0o666) == 0, access(sidecar, W_OK) == 0 { continue }
            throw LedgerError.readOnly(location: path, file: sidecar)
        }
    }
}
