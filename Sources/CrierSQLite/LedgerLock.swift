import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the ledger for the length of a run: `flock` on the ledger file itself,
/// so that deleting some lock file cannot let a second run in. The kernel releases it when the
/// process dies, so a crashed run never leaves it held. `LEDGER.lock` only names the holder's
/// pid for the message a second run prints.
///
/// The descriptor is never closed while the process lives: closing any descriptor of the
/// ledger file would drop SQLite's own POSIX locks on it. Releasing unlocks it; exit closes it.
package final class LedgerLock {
    private let fd: Int32
    /// The locked file (the ledger).
    package let path: String

    /// Takes the lock without waiting (creating an empty ledger file, and its folder, when
    /// absent); throws `.held` with the holder's pid when known.
    package init(ledgerPath: String) throws {
        path = ledgerPath
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        // A read-only ledger can still be locked; opening it for the run then says what to fix.
        if fd < 0, errno == EACCES || errno == EROFS { fd = open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw LedgerLockError.cannotOpen(path, String(cString: strerror(errno))) }
        self.fd = fd
        let holderNote = path + ".lock"
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: holderNote, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw LedgerLockError.held(path, pid: holder?.isEmpty == false ? holder : nil)
        }
        try? "\(getpid())\n".write(toFile: holderNote, atomically: false, encoding: .utf8)
    }

    deinit {
        _ = flock(fd, LOCK_UN)
    }
}

/// Why the ledger lock was not taken; `LedgerFile` turns it into a `LedgerError`, which
/// words it.
package enum LedgerLockError: Error {
    /// Another process holds it.
    case held(String, pid: String?)
    /// The ledger file cannot be opened (the system's reason).
    case cannotOpen(String, String)
}
