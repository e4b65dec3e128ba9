import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The snapshot's SHA-256, remembered between runs. Hashing reads the whole file (the 170 MB
/// sample of a million appointments: 0.14 s of CPU, a third of planning a day's reminders),
/// while cron starts crier every few minutes over a file that changes a few times a day.
///
/// The cache file holds the hash with what `stat` said of the file it was computed from: device,
/// inode, size, and the modification and change times to the nanosecond. A write to the file
/// changes its modification and change times, and a new export renamed over it is a new inode;
/// the change time cannot be set back by whoever writes the file. So a remembered hash is used
/// only for the same bytes, as git's index and make decide that a file did not change. A hash is
/// remembered only when the file's `stat` was the same before and after reading it. The cache is
/// best effort: a cache file that cannot be read or written means hashing every time, nothing more.
package struct SnapshotHashCache {
    /// The cache file (`state/snapshot.sha256`).
    package let path: String

    /// A cache in the file at `path`.
    package init(path: String) {
        self.path = path
    }

    /// The SHA-256 of the file at `snapshot`: remembered when the file is as it was, else read
    /// and hashed (and remembered when the cache's folder exists).
    package func sha256(of snapshot: String) throws(SnapshotError) -> String {
        let before = Self.identity(of: snapshot)
        if let before, let line = try? String(contentsOfFile: path, encoding: .utf8),
           let (identity, hash) = Self.parse(line), identity == before {
            return hash
        }
        let hash = try SnapshotReader.sha256(of: snapshot)
        if let before, Self.identity(of: snapshot) == before { remember(hash, for: before) }
        return hash
    }

    /// Writes the cache line (temporary file, rename), when the folder is there and writable.
    private func remember(_ hash: String, for identity: String) {
        let folder = (path as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) else { return }
        let temporary = "\(path).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("\(Self.tag) \(identity) \(hash)\n".utf8)) else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// What the first word of the cache line says.
    static let tag = "crier-snapshot-sha256-v1"

    /// The identity and hash on a cache line, nil for anything else.
    static func parse(_ line: String) -> (identity: String, hash: String)? {
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count == 7, words[0] == tag else { return nil }
        let hash = words[6].hasSuffix("\n") ? words[6].dropLast() : words[6]
        guard hash.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
        return (words[1...5].joined(separator: " "), String(hash))
    }

    /// Device, inode, size, modification and change time (seconds.nanoseconds) of the file at
    /// `path`; nil when it cannot be stat'ed (hashing then says why).
    static func identity(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }
}
