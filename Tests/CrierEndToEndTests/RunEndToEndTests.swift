import CrierTestSupport
import Foundation
import Testing

@Suite("crier run and plan, end to end", .serialized)
struct RunEndToEndTests {
    let at = "2026-11-23T17:00:00+13:00"

    func repo(count: Int = 5) throws -> ConfigRepo {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        // 2026-11-24 from 08:00 NZDT (19:00Z the day before), one a minute.
        try repo.makeSnapshot(count: count) { n in
            String(format: "2026-11-23T%02d:%02d:00Z", 19 + n / 60, n % 60)
        }
        return repo
    }

    @Test func planJSONIsByteIdenticalAndRunTwiceSendsOnce() throws {
        let repo = try repo()
        let first = try repo.crier(["plan", "--at", at, "--format", "json"])
        let second = try repo.crier(["plan", "--at", at, "--format", "json"])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out == second.out)
        #expect(first.out.contains("\"action\": \"send\""))
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "plan writes no ledger")

        let run = try repo.crier(["run", "--at", at])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("sent 5, failed 0"))
        #expect(repo.outbox().count == 5)
        let body = try String(contentsOfFile: "\(repo.root)/outbox/sms/\(repo.outbox()[0])", encoding: .utf8)
        #expect(body.contains("\"recipient\": \"+6421"))
        #expect(body.contains("see you Tuesday at 08:0"))

        let again = try repo.crier(["run", "--at", at])
        #expect(again.code == 0)
        #expect(again.out.contains("already-run"))
        #expect(again.out.contains("sent 0,"))
        #expect(repo.outbox().count == 5)
        // A later slot of the same occurrence would plan them as already sent.
        let history = try repo.crier(["history", "--key", "J1000"])
        #expect(history.out.contains("sent"))
        #expect(history.out.contains("+64211000000"))
    }

    @Test func executeDeliversAReviewedPlanAndRefusesAChangedOne() throws {
        let repo = try repo(count: 3)
        #expect(try repo.crier(["plan", "--at", at, "--format", "json", "-o", "plan.json"]).code == 0)
        let executed = try repo.crier(["execute", "plan.json", "--at", at])
        #expect(executed.code == 0, "\(executed.err)")
        #expect(repo.outbox().count == 3)
        #expect(try repo.crier(["execute", "plan.json", "--at", at]).out.contains("sent 0,"))

        #expect(try repo.crier(["plan", "--at", "2026-11-24T17:00:00+13:00", "--format", "json", "-o", "next.json"]).code == 0)
        try "\n# edited\n".appendingToFile(repo.root + "/templates/reminder.sms.mustache")
        let refused = try repo.crier(["execute", "next.json"])
        #expect(refused.code == 65)
        #expect(refused.err.contains("next.json: error: the config changed since this plan was made"))
    }

    @Test func executeNamesWhatIsWrongWithAFileThatIsNoPlan() throws {
        let repo = try repo(count: 1)
        try "{\"crier_plan\": 1, \"at\": 5}".write(toFile: repo.root + "/bad.json", atomically: true, encoding: .utf8)
        try "not json".write(toFile: repo.root + "/junk.json", atomically: true, encoding: .utf8)
        let typed = try repo.crier(["execute", "bad.json"])
        #expect(typed.code == 65)
        #expect(typed.err == "bad.json: error: not a crier plan (at: Expected to decode String but found number instead.). "
            + "Write one with `crier plan --format json -o bad.json`\n")
        let junk = try repo.crier(["execute", "junk.json"])
        #expect(junk.err == "junk.json: error: not a crier plan (not valid JSON). Write one with `crier plan --format json -o junk.json`\n")
        let missing = try repo.crier(["execute", "gone.json"])
        #expect(missing.code == 64)
        #expect(missing.err == "gone.json: error: cannot read the plan file. Check the path and that this user may read it\n")
    }

    @Test func catchUpRunsALateSlotOnceAndRecordsAnOlderOneAsMissed() throws {
        let repo = try repo(count: 2)
        let late = try repo.crier(["run", "--at", "2026-11-23T22:30:00+13:00"])
        #expect(late.code == 0)
        #expect(late.out.contains("reminder: due slot 2026-11-23T04:00:00Z"))
        #expect(repo.outbox().count == 2)
        #expect(try repo.crier(["run", "--at", "2026-11-23T22:45:00+13:00"]).out.contains("already-run"))

        let stale = try repo.crier(["run", "--at", "2026-11-24T23:30:00+13:00"])
        #expect(stale.out.contains("reminder: missed slot 2026-11-24T04:00:00Z"))
        #expect(try repo.ledgerCount("SELECT count(*) FROM slots WHERE status = 'missed' AND slot = '2026-11-24T04:00:00Z'") == 1)
        #expect(try repo.crier(["run", "--at", "2026-11-24T23:40:00+13:00"]).out.contains("already-missed"))
        #expect(repo.outbox().count == 2)
    }

    @Test func dstGapAndOverlapRunOnce() throws {
        let schedule = ConfigRepo.reminder.replacingOccurrences(of: "\"0 17 * * *\"", with: "\"30 2 * * *\"")
        let repo = try ConfigRepo(schedules: ["night.yaml": schedule], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 1) { _ in "2026-09-27T22:00:00Z" }
        // 2026-09-27: 02:00 NZST jumps to 03:00 NZDT. The 02:30 slot runs at 03:00 NZDT.
        let beforeGap = try repo.crier(["plan", "--at", "2026-09-27T01:59:00+12:00", "--format", "json"])
        #expect(beforeGap.out.contains("\"slot\": \"2026-09-25T14:30:00Z\""))
        let atGap = try repo.crier(["run", "--at", "2026-09-27T03:00:00+13:00"])
        #expect(atGap.out.contains("night: due slot 2026-09-26T14:00:00Z"), "\(atGap.out)\(atGap.err)")
        #expect(try repo.crier(["run", "--at", "2026-09-27T03:10:00+13:00"]).out.contains("already-run"))

        // 2026-04-05: 03:00 NZDT falls back to 02:00 NZST; 02:30 happens twice and runs once.
        let first = try repo.crier(["run", "--at", "2026-04-05T02:30:00+13:00"])
        #expect(first.out.contains("night: due slot 2026-04-04T13:30:00Z"), "\(first.out)")
        let second = try repo.crier(["run", "--at", "2026-04-05T02:30:00+12:00"])
        #expect(second.out.contains("night: already-run slot 2026-04-04T13:30:00Z"), "\(second.out)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM slots WHERE slot LIKE '2026-04-0%'") == 1)
    }

    @Test func fourConcurrentRunsDeliverEachItemOnce() throws {
        let repo = try repo(count: 300)
        let runs = try (0..<4).map { _ in try repo.start(["run", "--at", at]) }
        for run in runs { run.process.waitUntilExit() }
        let codes = runs.map(\.process.terminationStatus)
        #expect(codes.allSatisfy { $0 == 0 || $0 == 75 }, "\(codes) \(runs.map { $0.errors() })")
        #expect(codes.contains(0))
        #expect(repo.outbox().count == 300)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent'") == 300)
        // Each item was claimed once, by one of the runs.
        #expect(try repo.ledgerCount("SELECT sum(attempts) FROM items") == 300)
        for run in runs where run.process.terminationStatus == 75 {
            #expect(run.errors().contains("holds the ledger"))
        }
    }

    @Test func killedRunResumesWithoutSendingTwice() throws {
        let repo = try repo(count: 300)
        let running = try repo.start(["run", "--at", at], environment: ["CRIER_DELIVERY_PACE_MS": "60"])
        let deadline = Date().addingTimeInterval(60)
        while repo.outbox().count < 40, Date() < deadline, running.process.isRunning { usleep(10_000) }
        #expect(running.process.isRunning, "the run finished before it could be killed")
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        let delivered = repo.outbox()
        #expect(delivered.count >= 40 && delivered.count < 300)
        let inodes = try Dictionary(uniqueKeysWithValues: delivered.map { name in
            (name, try FileManager.default.attributesOfItem(atPath: "\(repo.root)/outbox/sms/\(name)")[.systemFileNumber] as? Int ?? -1)
        })

        let resumed = try repo.crier(["run", "--at", at])
        #expect(resumed.code == 0, "\(resumed.out)\(resumed.err)")
        #expect(repo.outbox().count == 300)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent'") == 300)
        // Files delivered before the kill were not written again (same inode: no new rename).
        for (name, inode) in inodes {
            let now = try FileManager.default.attributesOfItem(atPath: "\(repo.root)/outbox/sms/\(name)")[.systemFileNumber] as? Int
            #expect(now == inode, "\(name) was delivered twice")
        }
        // Only the items the kill caught in flight (one per worker: the outbox has four) can have been claimed twice.
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE attempts > 1") <= 4)
    }

    @Test func brokenScheduleDoesNotStopTheOthers() throws {
        let broken = ConfigRepo.reminder.replacingOccurrences(of: "\"0 17 * * *\"", with: "\"0 17 * * MOM\"")
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder, "broken.yaml": broken],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 2) { n in "2026-11-23T2\(n):00:00Z" }
        let run = try repo.crier(["run", "--at", at])
        #expect(run.code == 65)
        #expect(run.err.contains("schedules/broken.yaml:1:"))
        #expect(run.err.contains("unknown day-of-week name \"MOM\"; did you mean \"MON\"?"))
        #expect(repo.outbox().count == 2)
    }
}

extension String {
    func appendingToFile(_ path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(utf8))
        try handle.close()
    }
}
