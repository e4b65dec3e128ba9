import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the ledger for the length of a run (`LEDGER.lock`, flock). The kernel
/// releases it when the process dies, so a crashed run never leaves it held.
package final class LedgerLock {
    private let fd: Int32
    /// The lock file's path.
    package let path: String

    /// Takes the lock without waiting; throws `.held` (with the holder's pid when known).
    package init(ledgerPath: String) throws {
        path = ledgerPath + ".lock"
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LedgerLockError.cannotOpen(path, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, 31, 0)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
            close(fd)
            throw LedgerLockError.held(path, pid: holder)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Why the ledger lock was not taken.
package enum LedgerLockError: Error, CustomStringConvertible {
    /// Another process holds it.
    case held(String, pid: String?)
    /// The lock file cannot be opened.
    case cannotOpen(String, String)

    /// A message for people.
    package var description: String {
        switch self {
        case .held(let path, let pid):
            return "another crier run\(pid.map { " (pid \($0))" } ?? "") holds the ledger (\(path)); this run does nothing and exits 75 so that the next timer tick tries again"
        case .cannotOpen(let path, let reason):
            return "\(path): error: cannot open the ledger lock: \(reason)"
        }
    }
}
