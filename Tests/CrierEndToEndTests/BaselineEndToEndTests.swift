import CrierTestSupport
import Foundation
import Testing

/// The first evaluation of a change schedule sends nothing: `plan` and the run summary say it
/// records a baseline, and of how many keys, so a silent first run is not mistaken for a fault.
@Suite("change baseline, end to end")
struct BaselineEndToEndTests {
    @Test func theFirstRunSaysItRecordedABaselineOfNKeysAndLaterRunsDoNot() throws {
        let change = try ChangeEndToEndTests()
        let repo = change.repo
        let plan = try repo.crier(["plan", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(plan.code == 0, "\(plan.err)")
        #expect(plan.out.contains("by-id: this run records a baseline of 300 key(s); later runs report what enters, leaves or changes"),
                "\(plan.out)")
        #expect(plan.out.contains("No messages."))

        let first = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(first.code == 0, "\(first.out)\(first.err)")
        #expect(first.out.contains("by-number: due slot 2026-11-23T04:00:00Z, 400 row(s); recorded a baseline of 300 key(s)"), "\(first.out)")

        try change.edit("UPDATE tickets SET status = 'Closed' WHERE id = 7")
        let second = try repo.crier(["run", "--at", "2026-11-23T17:05:00+13:00"])
        #expect(second.code == 0, "\(second.out)\(second.err)")
        #expect(!second.out.contains("baseline"), "\(second.out)")
        #expect(second.out.contains("sent 3"), "ticket 7's watcher hears of the change once per schedule: \(second.out)")
    }
}
