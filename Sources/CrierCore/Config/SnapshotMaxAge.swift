import Foundation
import Yams

/// `snapshot_max_age:` in crier.yaml: a snapshot file older than this (by its modification
/// time, against the command's clock) plans nothing, so that a stalled export job never
/// sends yesterday's reminders again.
package struct SnapshotMaxAge: Sendable, Equatable {
    /// The limit in seconds.
    package var seconds: Int
    /// The setting's place in crier.yaml, for the error.
    package var location: FileLocation
    /// The setting's source line.
    package var sourceLine: String?

    /// A limit of `seconds`, set at `location`.
    package init(seconds: Int, location: FileLocation, sourceLine: String? = nil) {
        self.seconds = seconds
        self.location = location
        self.sourceLine = sourceLine
    }

    /// Reads `snapshot_max_age` from crier.yaml's top level (absent: no limit).
    static func load(_ top: YAMLMapping, file: YAMLFile, into diagnostics: inout DiagnosticCollector) -> SnapshotMaxAge? {
        guard let node = top["snapshot_max_age"] else { return nil }
        guard let text = node.scalar?.string, let seconds = DurationText.seconds(text), seconds > 0 else {
            diagnostics.add(file.error("\"snapshot_max_age\" must be a duration such as 30m, 2h or 1d, not \(top.quoted(node))", at: node))
            return nil
        }
        let location = file.location(of: node)
        return SnapshotMaxAge(seconds: seconds, location: location, sourceLine: file.sourceLine(location.line))
    }

    /// The error when the snapshot at `path`, last modified at `modified`, is too old at `now`;
    /// nil when it is fresh enough.
    package func check(snapshot path: String, modified: Date, now: Date) -> Diagnostic? {
        let age = Int(now.timeIntervalSince(modified))
        guard age > seconds else { return nil }
        return .error(
            "the snapshot \(path) is \(DurationText.format(age)) old (modified \(Timestamp.utc(modified))), older than snapshot_max_age \(DurationText.format(seconds)): nothing is planned",
            at: location,
            hint: "Check the job that refreshes the snapshot, or raise snapshot_max_age",
            sourceLine: sourceLine)
    }
}
