import Crypto
import Foundation

/// The text of every file of a config repository, read at the edge and handed to the core.
package struct ConfigFiles: Sendable {
    /// crier.yaml's path as shown to people.
    package var configPath: String
    /// The folder holding crier.yaml.
    package var directory: String
    /// crier.yaml's text.
    package var configText: String
    /// `schedules/*.yaml` (path relative to `directory`, text), sorted by path.
    package var schedules: [(path: String, text: String)]
    /// `templates/*` (path relative to `directory`, text), sorted by path.
    package var templates: [(path: String, text: String)]
    /// Schedules and templates that are not UTF-8 text, by path: each an error, and the file
    /// is treated as broken.
    package var encodingProblems: [String: Diagnostic] = [:]

    /// The files.
    package init(configPath: String, directory: String, configText: String,
                 schedules: [(path: String, text: String)], templates: [(path: String, text: String)]) {
        self.configPath = configPath
        self.directory = directory
        self.configText = configText
        self.schedules = schedules.sorted { $0.path < $1.path }
        self.templates = templates.sorted { $0.path < $1.path }
    }

    /// SHA-256 over every file's name and bytes: changes when any setting, schedule or
    /// template changes, and only then.
    package var sha256: String {
        var hasher = SHA256()
        func add(_ name: String, _ text: String) {
            for part in [name, text] {
                var length = UInt64(part.utf8.count).bigEndian
                withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
                hasher.update(data: Data(part.utf8))
            }
        }
        add("crier.yaml", configText)
        for file in schedules { add(file.path, file.text) }
        for file in templates { add(file.path, file.text) }
        return Self.hex(hasher.finalize())
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of a digest.
    package static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Streams a file's bytes into SHA-256 (the edge reads, the core hashes).
package struct StreamingSHA256 {
    private var hasher = SHA256()

    /// A fresh hash.
    package init() {}

    /// Adds `bytes`.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    /// The hex digest.
    package func finalize() -> String { ConfigFiles.hex(hasher.finalize()) }
}
