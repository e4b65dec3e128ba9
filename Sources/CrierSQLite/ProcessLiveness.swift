import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a run recorded in the ledger still has a live process on this machine.
enum ProcessLiveness {
    /// True when `pid` is alive and is a crier process (its executable's name is this one's),
    /// so that a recycled pid of another program does not keep an item from being reconciled.
    static func isCrier(pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        return command(of: pid) == command(of: getpid())
    }

    /// The process's command name from `/proc/PID/comm`, nil when it cannot be read.
    private static func command(of pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/comm") else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
