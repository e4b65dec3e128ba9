import Foundation

/// Where the shared test files live: the fixture servers' scripts and the golden files, next to
/// this file in the source tree.
package enum TestPaths {
    /// `Tests/CrierTestSupport`.
    package static let supportFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The project's root folder (crier.yaml, schedules/, templates/ of the shipped example).
    package static let projectRoot = supportFolder.deletingLastPathComponent().deletingLastPathComponent()

    /// The path of `Fixtures/NAME` (a Python test server).
    package static func fixture(_ name: String) -> String {
        supportFolder.appendingPathComponent("Fixtures/\(name)").path
    }

    /// The path of `Golden/NAME`.
    package static func golden(_ name: String) -> String {
        supportFolder.appendingPathComponent("Golden/\(name)").path
    }
}

extension TestPaths {
    /// The files of the shipped example's `folder` (`schedules`, `templates`): name → text.
    package static func shipped(_ folder: String) throws -> [String: String] {
        let url = projectRoot.appendingPathComponent(folder)
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
            files[name] = try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }
}
