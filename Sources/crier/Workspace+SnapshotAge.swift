import CrierCore
import Foundation

extension Workspace {
    /// Exits 65, saying how old the snapshot is and where the limit is set, when it is older
    /// than `snapshot_max_age` at `now` (the command's clock).
    func checkSnapshotAge(at now: Date) throws {
        guard let limit = repository.config.snapshotMaxAge else { return }
        let path = repository.config.snapshotPath
        // A missing snapshot is reported where it is opened.
        guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return }
        if let problem = limit.check(snapshot: path, modified: modified, now: now) {
            printError(problem.description)
            throw Exit.invalid
        }
    }
}
