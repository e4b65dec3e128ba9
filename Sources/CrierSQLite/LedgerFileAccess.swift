import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks, before a run opens the ledger for writing, that it can write it: the file, its
/// folder and SQLite's `-wal` / `-shm` sidecars. A sidecar left read-only after the ledger was
/// made writable again (SQLite gives it the ledger's mode when it creates it) is given the
/// ledger's mode when this user owns it, so the run recovers on its own.
enum LedgerFileAccess {
    /// Throws `LedgerAccessError` naming what cannot be written and the fix.
    static func prepareForWriting(_ path: String) throws {
        var ledger = stat()
        guard stat(path, &ledger) == 0 else { return }
        guard access(path, W_OK) == 0 else { throw LedgerAccessError.readOnly(path, ledger: path) }
        let folder = (path as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0 else {
            throw LedgerAccessError.readOnlyFolder(folder.isEmpty ? "." : folder, ledger: path)
        }
        for sidecar in [path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(sidecar, &info) == 0, access(sidecar, W_OK) != 0 else { continue }
            if info.st_uid == geteuid(), chmod(sidecar, ledger.st_mode & 0o666) == 0, access(sidecar, W_OK) == 0 { continue }
            throw LedgerAccessError.readOnly(sidecar, ledger: path)
        }
    }
}

/// Why a run cannot write the ledger.
package enum LedgerAccessError: Error, CustomStringConvertible {
    /// The ledger file, or one of its sidecars, is read-only for this user.
    case readOnly(String, ledger: String)
    /// The ledger's folder is read-only (SQLite creates its sidecars there).
    case readOnlyFolder(String, ledger: String)

    /// A message for people: which file, and what to do.
    package var description: String {
        switch self {
        case .readOnly(let file, let ledger):
            let what = file == ledger ? "the ledger is read-only" : "the ledger's SQLite sidecar file is read-only"
            return "\(file): error: \(what) for this user, so the run records and sends nothing. Make it writable (chmod u+w \(file), or run crier as its owner), then run again"
        case .readOnlyFolder(let folder, let ledger):
            return "\(ledger): error: the ledger's folder \(folder) is read-only for this user, and SQLite keeps its -wal and -shm files there. Make it writable (chmod u+w \(folder)), then run again"
        }
    }
}
