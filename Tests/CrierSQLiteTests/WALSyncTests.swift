import Foundation
import Testing
@testable import CrierSQLite

/// The hand-over marks' group commit: who waits for which sync.
@Suite("WAL sync")
struct WALSyncTests {
    let path: String

    init() throws {
        let directory = NSTemporaryDirectory() + "crier-walsync-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/ledger.sqlite-wal"
        FileManager.default.createFile(atPath: path, contents: Data("frames".utf8))
    }

    /// What the fake `fdatasync` saw, in order.
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ event: String) { lock.lock(); list.append(event); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }

    @Test func callersWaitingAtOnceShareOneSync() throws {
        let events = Events()
        let sync = WALSync(walPath: path) { descriptor in
            events.add("sync")
            Thread.sleep(forTimeInterval: 0.3)
            return fdatasync(descriptor)
        }
        let ready = DispatchSemaphore(value: 0), go = DispatchSemaphore(value: 0), done = DispatchGroup()
        let failures = Events()
        for _ in 0..<8 {
            done.enter()
            Thread {
                ready.signal()
                go.wait()
                do { try sync.syncCommitted() } catch { failures.add("\(error)") }
                done.leave()
            }.start()
        }
        for _ in 0..<8 { ready.wait() }
        for _ in 0..<8 { go.signal() }
        done.wait()
        #expect(failures.all.isEmpty)
        // The first caller's sync runs while the others take their tickets; one more covers them all.
        #expect((1...3).contains(sync.syncs), "8 callers, \(sync.syncs) syncs")
        #expect(events.all.count == sync.syncs)
    }

    @Test func aCallerNeverReturnsOnASyncThatStartedBeforeItsCall() throws {
        let events = Events()
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let calls = Events()
        let sync = WALSync(walPath: path) { _ in
            calls.add("sync")
            let number = calls.all.count
            events.add("sync \(number) starts")
            if number == 1 {
                entered.signal()
                release.wait()
            }
            events.add("sync \(number) ends")
            return 0
        }
        let done = DispatchGroup()
        done.enter()
        Thread {
            try? sync.syncCommitted()
            events.add("A returns")
            done.leave()
        }.start()
        entered.wait()
        // B commits while A's sync runs: that sync may have missed B's commit.
        done.enter()
        Thread {
            try? sync.syncCommitted()
            events.add("B returns")
            done.leave()
        }.start()
        Thread.sleep(forTimeInterval: 0.2)
        release.signal()
        done.wait()
        let all = events.all
        #expect(sync.syncs == 2)
        let returnB = try #require(all.firstIndex(of: "B returns"))
        let secondEnds = try #require(all.firstIndex(of: "sync 2 ends"))
        #expect(returnB > secondEnds, "\(all)")
        #expect(try #require(all.firstIndex(of: "A returns")) > #require(all.firstIndex(of: "sync 1 ends")))
    }

    @Test func aFailedSyncThrowsNamingTheFileAndTheNextCallTriesAgain() throws {
        let calls = Events()
        let sync = WALSync(walPath: path) { _ in
            calls.add("sync")
            if calls.all.count == 1 {
                errno = EIO
                return -1
            }
            return 0
        }
        #expect(throws: WALSyncError.self) { try sync.syncCommitted() }
        do {
            try sync.syncCommitted()
        } catch {
            Issue.record("the second call should sync: \(error)")
        }
        #expect(sync.syncs == 1)
        #expect(calls.all.count == 2)
        #expect(WALSyncError(path: path, code: EIO).description == "cannot sync \(path): Input/output error")
    }

    @Test func aMissingWALFileIsAnErrorNotASilentSuccess() throws {
        let sync = WALSync(walPath: path + "-absent")
        #expect(throws: WALSyncError.self) { try sync.syncCommitted() }
        #expect(sync.syncs == 0)
    }
}
