import CrierCore
import Foundation
import GRDB

/// `crier doctor`'s look at local files: whether the ledger (and the outbox) can be written.
/// It changes nothing: an existing ledger gets a write transaction that is rolled back; a
/// missing one is judged by its folder.
package enum LedgerProbe {
    /// Whether the ledger at `path` can be written (or created on the first run).
    package static func check(path: String) -> HealthCheck {
        let name = "ledger"
        guard FileManager.default.fileExists(atPath: path) else {
            if let problem = folderProblem((path as NSString).deletingLastPathComponent) {
                return HealthCheck(name, .fail, "\(path) cannot be created: \(problem)",
                                   fix: "create that folder writable by the user that runs crier, or point `ledger:` in crier.yaml elsewhere")
            }
            return HealthCheck(name, .ok, "\(path) does not exist yet; the first run creates it")
        }
        let fix = "make \(path) and its folder writable by the user that runs crier (the folder holds SQLite's journal)"
        guard access(path, W_OK) == 0 else {
            return HealthCheck(name, .fail, "\(path) is not writable: \(String(cString: strerror(errno)))", fix: fix)
        }
        if let problem = folderProblem((path as NSString).deletingLastPathComponent) {
            return HealthCheck(name, .fail, "\(path)'s folder is not writable: \(problem)", fix: fix)
        }
        do {
            let queue = try DatabaseQueue(path: path)
            defer { try? queue.close() }
            let tables = try queue.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                defer { try? db.execute(sql: "ROLLBACK") }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0
            }
            return HealthCheck(name, .ok, "\(path) is writable (\(tables) tables)")
        } catch let error as DatabaseError {
            let busy = error.resultCode == .SQLITE_BUSY
            return HealthCheck(name, busy ? .warn : .fail, "\(path): \(error.message ?? "\(error.resultCode)")",
                               fix: busy ? "another process holds a write lock on the ledger; try again when the run ends" : fix)
        } catch {
            return HealthCheck(name, .fail, "\(path): \(error)", fix: fix)
        }
    }

    /// Why files cannot be made in `folder` (or in the folders that would be created for it),
    /// nil when they can.
    package static func folderProblem(_ folder: String) -> String? {
        var existing = folder.isEmpty ? "." : folder
        while !FileManager.default.fileExists(atPath: existing) {
            let parent = (existing as NSString).deletingLastPathComponent
            existing = parent.isEmpty ? "." : parent
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: existing, isDirectory: &isFolder), isFolder.boolValue else {
            return "\(existing) is not a folder"
        }
        guard access(existing, W_OK | X_OK) == 0 else { return "\(existing): \(String(cString: strerror(errno)))" }
        return nil
    }
}
