import Foundation

/// Golden files: bytes a test pins. `CRIER_UPDATE_GOLDEN=1 swift test --filter NAME` rewrites
/// them (review the diff before committing).
package enum Golden {
    /// nil when `actual` equals the bytes of `Golden/NAME`; otherwise where they first differ,
    /// for the test's failure message. Writes the file instead when `CRIER_UPDATE_GOLDEN=1`.
    package static func mismatch(_ actual: String, file name: String) throws -> String? {
        let path = TestPaths.golden(name)
        if ProcessInfo.processInfo.environment["CRIER_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return "\(path): no golden file; write it with CRIER_UPDATE_GOLDEN=1"
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != actual else { return nil }
        let old = expected.components(separatedBy: "\n"), new = actual.components(separatedBy: "\n")
        let line = (0..<min(old.count, new.count)).first { old[$0] != new[$0] } ?? min(old.count, new.count)
        let show = { (lines: [String]) in line < lines.count ? String(lines[line].prefix(300)) : "(end of file)" }
        return "\(path):\(line + 1): differs\n  golden: \(show(old))\n  actual: \(show(new))"
    }
}

extension ConfigRepo {
    /// The instant of `make demo` (AT in the Makefile).
    package static let demoInstant = "2026-11-23T17:00:00+13:00"

    /// A copy of the shipped example (crier.yaml, schedules/, templates/) over the snapshot
    /// `make demo` makes: `crier sample --appointments 2000 --first-day 2026-11-20 --days 14`.
    package static func demo() throws -> ConfigRepo {
        let config = try String(contentsOf: TestPaths.projectRoot.appendingPathComponent("crier.yaml"), encoding: .utf8)
        let repo = try ConfigRepo(config: config, schedules: try TestPaths.shipped("schedules"), templates: try TestPaths.shipped("templates"))
        let sample = try repo.crier(["sample", "--appointments", "2000", "--first-day", "2026-11-20", "--days", "14", "-o", "data/snapshot.sqlite"])
        guard sample.code == 0 else { throw PackRepo.RunFailure(text: "crier sample: exit \(sample.code)\n\(sample.err)") }
        return repo
    }
}
