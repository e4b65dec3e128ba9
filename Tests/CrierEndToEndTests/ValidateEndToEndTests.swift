import CrierTestSupport
import Foundation
import Testing

@Suite("crier validate, end to end")
struct ValidateEndToEndTests {
    @Test func reportsEveryProblemWithItsPlace() throws {
        let badQuery = ConfigRepo.reminder.replacingOccurrences(of: "phone AS recipient", with: "phnoe AS recipient")
        let badCron = ConfigRepo.reminder.replacingOccurrences(of: "\"0 17 * * *\"", with: "\"0 25 * * *\"")
            .replacingOccurrences(of: "template: reminder", with: "template: remindr")
        let repo = try ConfigRepo(schedules: ["a.yaml": badQuery, "b.yaml": badCron, "ok.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 1) { _ in "2026-11-23T20:00:00Z" }
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("""
            schedules/b.yaml:1:10: error: invalid cron "0 25 * * *": hour "25" is out of range 0-23. Use 5 fields: minute hour day-of-month month day-of-week, e.g. "0 17 * * *"
                cron: "0 25 * * *"
                         ^
            """), "\(result.err)")
        #expect(result.err.contains("schedules/b.yaml:3:11: error: unknown sms template \"remindr\": there is no templates/remindr.sms.mustache. Did you mean \"reminder\"?"))
        #expect(result.err.contains("""
            schedules/a.yaml:7:33: error: schedule "a": query failed: no such column: phnoe. Fix the query: its tables and columns must exist in the snapshot
                  SELECT job AS key, starts_at, phnoe AS recipient, name FROM appointments
                                                ^
            """), "\(result.err)")
        #expect(result.out.contains("3 schedule(s), 1 template(s): 3 error(s)"))
    }

    @Test func aPDFTemplateIsLaidOutWithoutARowAndAMarkupMistakeIsPlacedInItsFile() throws {
        let repo = try ConfigRepo(schedules: ["ok.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate,
                                              "sheet.pdf.mustache": "<b>Job {{key}}</b>\n{{#name}}\nClient: <i>{{name}}</b>\n{{/name}}\n"])
        try repo.makeSnapshot(count: 1) { _ in "2026-11-23T20:00:00Z" }
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("""
            templates/sheet.pdf.mustache:3:20: error: not valid Pango markup: Element “b” was closed, but the currently open element is “i”. \
            Close elements in the reverse order of opening: <b><i>text</i></b>
                Client: <i>{{name}}</b>
                                   ^
            """), "\(result.err)")
    }

    @Test func aCleanRepositoryValidates() throws {
        let repo = try ConfigRepo(schedules: ["ok.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 1) { _ in "2026-11-23T20:00:00Z" }
        let result = try repo.crier(["validate"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out == "1 schedule(s), 1 template(s): OK\n")
        #expect(result.err.isEmpty)
    }

    @Test func missingSnapshotIsExit65NamingTheFile() throws {
        let repo = try ConfigRepo(schedules: ["ok.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        let result = try repo.crier(["plan", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(result.code == 65)
        #expect(result.err.contains("data/snapshot.sqlite: error: the snapshot does not exist."))
        let usage = try repo.crier(["plan", "--at", "tomorrow"])
        #expect(usage.code == 64)
        let unknown = try repo.crier(["plan", "--schedule", "okk"])
        #expect(unknown.code == 64)
        #expect(unknown.err.contains("no schedule \"okk\". Did you mean \"ok\"?"))
    }

    @Test func snapshotIsNeverWritten() throws {
        let evil = ConfigRepo.reminder.replacingOccurrences(
            of: "SELECT job AS key", with: "WITH x AS (SELECT 1) DELETE FROM appointments; SELECT job AS key")
        let repo = try ConfigRepo(schedules: ["evil.yaml": evil], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { n in "2026-11-23T2\(n):00:00Z" }
        let before = try Data(contentsOf: URL(fileURLWithPath: repo.root + "/data/snapshot.sqlite"))
        let result = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(result.code == 65)
        #expect(result.err.contains("schedule \"evil\": query failed"))
        let after = try Data(contentsOf: URL(fileURLWithPath: repo.root + "/data/snapshot.sqlite"))
        #expect(before == after)
    }
}
