import CrierTestSupport
import Foundation
import GRDB
import Testing

@Suite("crier failures, end to end")
struct FailuresEndToEndTests {
    @Test func listsFailuresInTheWindowAndExits1() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { n in "2026-11-23T2\(n):00:00Z" }
        #expect(try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"]).code == 0)
        let clean = try repo.crier(["failures", "--since", "24h", "--at", "2026-11-23T18:00:00+13:00"])
        #expect(clean.code == 0)
        #expect(clean.out.contains("No failed or uncertain deliveries in the last 24h, and nothing pending for over an hour."))

        let queue = try DatabaseQueue(path: repo.root + "/state/ledger.sqlite")
        try queue.write { db in
            try db.execute(sql: "UPDATE items SET state = 'failed', last_error = '550 5.1.1 mailbox unavailable' WHERE key = 'J1001'")
        }
        try queue.close()
        let failed = try repo.crier(["failures", "--since", "24h", "--at", "2026-11-23T18:00:00+13:00"])
        #expect(failed.code == 1)
        #expect(failed.out.contains("J1001"))
        #expect(failed.out.contains("550 5.1.1 mailbox unavailable"))
        #expect(failed.out.contains("1 failed or uncertain delivery in the last 24h."))
        let later = try repo.crier(["failures", "--since", "1h", "--at", "2026-11-25T18:00:00+13:00"])
        #expect(later.code == 0, "outside the window")
    }

    @Test func badArgumentsSayHowToWriteThem() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        let at = try repo.crier(["failures", "--at", "2026-11-23"])
        #expect(at.code == 64)
        #expect(at.err.contains("error: --at \"2026-11-23\" is not an ISO 8601 time with an offset. Write it like 2026-11-23T17:00:00+13:00"))
        let since = try repo.crier(["failures", "--since", "a day"])
        #expect(since.code == 64)
        #expect(since.err.contains("error: --since \"a day\" is not a duration such as 30m, 6h, 6 hours, 1d or 2 weeks"))
    }
}
