import CrierTestSupport
import Foundation
import Testing

/// `crier history --show-body`: what was sent, word for word (TimeTrak's message history).
@Suite("History with bodies, end to end")
struct HistoryBodyEndToEndTests {
    @Test func showBodyPrintsTheTextThatWasSent() throws {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 2) { _ in "2026-11-23T21:00:00Z" }
        let run = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(run.code == 0, "\(run.out)\(run.err)")

        let plain = try repo.crier(["history", "--key", "J1000"])
        #expect(!plain.out.contains("Hi Client 0"))
        let table = try repo.crier(["history", "--key", "J1000", "--show-body"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("reminder J1000 → +64211000000 (sent):\n  body: Hi Client 0, see you Tuesday at 10:00 (job J1000).\n"))
        #expect(!table.out.contains("Client 1"))

        let json = try repo.crier(["history", "--key", "J1001", "--show-body", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        #expect(entries.map { $0["body"] as? String } == ["Hi Client 1, see you Tuesday at 10:00 (job J1001)."])
    }
}
