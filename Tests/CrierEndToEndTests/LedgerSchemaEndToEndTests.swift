import CrierSQLite
import CrierTestSupport
import Foundation
import GRDB
import Testing

/// A ledger left by an older crier: the reading commands refuse it without touching it, and
/// `crier run` migrates it under the run lock.
@Suite("Ledger schema versions, end to end")
struct LedgerSchemaEndToEndTests {
    let at = "2026-11-23T17:00:00+13:00"

    @Test func planOnAnOlderLedgerChangesNoByteAndRunMigratesIt() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { n in String(format: "2026-11-23T19:%02d:00Z", n) }
        let path = repo.root + "/state/ledger.sqlite"
        try FileManager.default.createDirectory(atPath: repo.root + "/state", withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try LedgerSchema.migrator.migrate(queue, upTo: "v3-opt-outs")
        try queue.close()
        let before = try #require(FileManager.default.contents(atPath: path))

        for command in [["plan", "--at", at], ["history"], ["failures", "--at", at]] {
            let result = try repo.crier(command)
            #expect(result.code == 65, "\(command): \(result.out) \(result.err)")
            #expect(result.err.contains("state/ledger.sqlite: error: the ledger was written by an older crier and needs migrating; this command only reads it. Run `crier run` to migrate it"),
                    "\(command): \(result.err)")
            #expect(FileManager.default.contents(atPath: path) == before, "\(command) left the ledger's bytes as they were")
        }
        let validate = try repo.crier(["validate"])
        #expect(validate.code == 0, "validate checks the config; an old ledger is a warning: \(validate.err)")
        #expect(validate.err.contains("state/ledger.sqlite: warning: the ledger was written by an older crier"))

        let run = try repo.crier(["run", "--at", at])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("sent 3, failed 0"))
        let plan = try repo.crier(["plan", "--at", at])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("already-run"))
    }
}
