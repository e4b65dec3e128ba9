import CrierTestSupport
import Foundation
import Testing

/// `snapshot_max_age`: a stale snapshot plans nothing.
@Suite("snapshot_max_age, end to end", .serialized)
struct SnapshotAgeEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"

    func repo(snapshotAge: TimeInterval) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: ConfigRepo.defaultConfig + "\nsnapshot_max_age: 2h\n",
                                  schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { n in "2026-11-23T2\(n):00:00Z" }
        let modified = try #require(EvaluationInstant.parse(Self.at)).addingTimeInterval(-snapshotAge)
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: repo.root + "/data/snapshot.sqlite")
        return repo
    }

    @Test func aStaleSnapshotPlansNothingAndSaysHowOld() throws {
        let repo = try repo(snapshotAge: 3 * 3600 + 5 * 60)
        let expected = """
            crier.yaml:10:19: error: the snapshot data/snapshot.sqlite is 3h5m old (modified 2026-11-23T00:55:00Z), \
            older than snapshot_max_age 2h: nothing is planned. Check the job that refreshes the snapshot, or raise snapshot_max_age
                snapshot_max_age: 2h
                                  ^
            """
        for command in [["plan"], ["run"], ["forecast"]] {
            let result = try repo.crier(command + ["--at", Self.at])
            #expect(result.code == 65, "\(command)")
            #expect(result.err.contains(expected), "\(command): \(result.err)")
            #expect(result.out.isEmpty, "\(command) printed \(result.out)")
        }
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "nothing recorded")
        #expect(repo.outbox().isEmpty, "nothing sent")
    }

    @Test func aFreshSnapshotRuns() throws {
        let repo = try repo(snapshotAge: 3600)
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.err)")
        #expect(repo.outbox().count == 3)
    }
}

/// `--at` text as the tests write it.
enum EvaluationInstant {
    static func parse(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
}
