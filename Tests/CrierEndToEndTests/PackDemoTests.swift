import CrierTestSupport
import Foundation
import Testing

/// What `make demo` shows: every shipped schedule over `crier sample`, then over
/// `crier sample --later` half an hour later.
@Suite("Example packs over the sample snapshot, end to end", .serialized)
struct PackDemoTests {
    @Test("Over the sample and then the later sample, every pack's change schedules send something on the second run")
    func everyPackSendsOnTheSecondRun() throws {
        let shipped = try TestPaths.shipped("schedules").keys
        let repo = try ConfigRepo.demo()
        #expect(try repo.crier(["validate"]).code == 0)
        #expect(try repo.crier(["run", "--at", ConfigRepo.demoInstant]).code == 0)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent' AND schedule = 'appointment-sms'") > 0)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent' AND schedule = 'smart-incomplete'") > 0)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE schedule LIKE 'ranger-%' OR schedule LIKE 'angeltrack-%'") == 0,
                "the first evaluation of a change schedule is a silent baseline")

        let later = ["sample", "--appointments", "2000", "--first-day", "2026-11-20", "--days", "14", "-o", "data/snapshot.sqlite", "--force", "--later"]
        #expect(try repo.crier(later).code == 0)
        #expect(try repo.crier(["run", "--at", "2026-11-23T17:30:00+13:00"]).code == 0)
        let changes = shipped.map { String($0.dropLast(".yaml".count)) }.filter { $0.hasPrefix("ranger-") || $0.hasPrefix("angeltrack-") || $0.hasPrefix("smart-job-") }
        #expect(changes.count == 7)
        for schedule in changes {
            let sent = try repo.ledgerCount("""
                SELECT count(*) FROM items WHERE state = 'sent' AND schedule = '\(schedule)' AND slot = '2026-11-23T04:30:00Z'
                """)
            #expect(sent > 0, "\(schedule) sent nothing on the second run")
        }
        let emails = try repo.outbox("email").map { try String(contentsOfFile: "\(repo.root)/outbox/email/\($0)", encoding: .utf8) }
        #expect(emails.contains { $0.contains("Content-Type: application/pdf; name=\"Job S") }, "a Smart PDF Email carries the job sheet")
        #expect(!repo.outbox("sms").isEmpty, "the demo shows SMS, email and PDF")
        let again = try repo.crier(["run", "--at", "2026-11-23T17:30:00+13:00"])
        #expect(again.code == 0 && again.out.contains("sent 0,"), "\(again.out)")
    }
}
