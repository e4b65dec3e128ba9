import Foundation
import Testing
@testable import CrierSQLite

/// The snapshot hash remembered between runs: used only while the file is as it was.
@Suite("Snapshot hash cache")
struct SnapshotHashCacheTests {
    let directory: String
    let snapshot: String
    let cache: SnapshotHashCache

    init() throws {
        directory = NSTemporaryDirectory() + "crier-hashcache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        snapshot = directory + "/snapshot.sqlite"
        try Data(repeating: 7, count: 300_000).write(to: URL(fileURLWithPath: snapshot))
        cache = SnapshotHashCache(path: directory + "/state/snapshot.sha256")
    }

    /// Puts `hash` on the cache line in place of the one remembered, keeping the file's identity:
    /// what `sha256(of:)` returns afterwards shows whether it used the line.
    func plant(_ hash: String) throws {
        let line = try String(contentsOfFile: cache.path, encoding: .utf8)
        let words = line.split(separator: " ")
        try (words.dropLast().joined(separator: " ") + " \(hash)\n").write(toFile: cache.path, atomically: true, encoding: .utf8)
    }

    let planted = String(repeating: "ab", count: 32)

    @Test func theHashIsRememberedAndUsedWhileTheFileIsUnchanged() throws {
        let real = try SnapshotReader.sha256(of: snapshot)
        #expect(try cache.sha256(of: snapshot) == real)
        let line = try String(contentsOfFile: cache.path, encoding: .utf8)
        #expect(line.hasPrefix("crier-snapshot-sha256-v1 ") && line.hasSuffix(" \(real)\n"))
        try plant(planted)
        #expect(try cache.sha256(of: snapshot) == planted, "the remembered line is used, the file not read")
    }

    @Test func aWriteInPlaceEvenWithTheSameSizeAndModificationTimeIsHashedAgain() throws {
        _ = try cache.sha256(of: snapshot)
        try plant(planted)
        var info = stat()
        #expect(stat(snapshot, &info) == 0)
        // Same size, and the modification time set back: only the change time tells.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: snapshot))
        try handle.seek(toOffset: 1_000)
        try handle.write(contentsOf: Data([1, 2, 3]))
        try handle.close()
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, snapshot, &times, 0) == 0)
        let real = try SnapshotReader.sha256(of: snapshot)
        #expect(try cache.sha256(of: snapshot) == real)
        #expect(real != planted)
    }

    @Test func aNewFileRenamedOverTheSnapshotIsHashedAgain() throws {
        _ = try cache.sha256(of: snapshot)
        try plant(planted)
        let export = directory + "/export.tmp"
        try Data(repeating: 8, count: 300_000).write(to: URL(fileURLWithPath: export))
        #expect(rename(export, snapshot) == 0)
        #expect(try cache.sha256(of: snapshot) == SnapshotReader.sha256(of: snapshot))
    }

    @Test func aDamagedOrMissingCacheMeansHashingAndAMissingSnapshotIsStillNamed() throws {
        let real = try SnapshotReader.sha256(of: snapshot)
        for garbage in ["", "crier-snapshot-sha256-v1 1 2 3\n", "something else entirely\n", "crier-snapshot-sha256-v1 a b c d e \(planted.uppercased())\n"] {
            try garbage.write(toFile: cache.path, atomically: true, encoding: .utf8)
            #expect(try cache.sha256(of: snapshot) == real)
        }
        let nowhere = SnapshotHashCache(path: directory + "/absent/snapshot.sha256")
        #expect(try nowhere.sha256(of: snapshot) == real)
        #expect(!FileManager.default.fileExists(atPath: directory + "/absent"), "no folder is made for the cache")
        #expect(throws: SnapshotError.missing(directory + "/gone.sqlite")) { try cache.sha256(of: directory + "/gone.sqlite") }
    }
}
