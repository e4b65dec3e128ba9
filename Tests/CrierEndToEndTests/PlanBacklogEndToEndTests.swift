import CrierTestSupport
import Foundation
import Testing

/// `crier plan` shows what the next run does with the items earlier runs left pending (the
/// delivery gate's verdict on each), and items over `max_per_day` as waiting, not skipped.
@Suite("plan: the backlog and the daily cap, end to end")
struct PlanBacklogEndToEndTests {
    @Test func planShowsTheBacklogWithTheGatesVerdictAndCappedItemsAsWaiting() throws {
        let down = try DeliveryRulesEndToEndTests().downPort()
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: "url: smtp://127.0.0.1:\(down)\ntls: none\nmax_per_day: 3"),
                                  schedules: ["visit.yaml": SMTPEndToEndTests.schedule], templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        // Eight visits on the 24th: J000 09:00, J001 10:01, J002 11:02, J003 12:03, J004 09:04 ...
        try SMTPEndToEndTests().makeSnapshot(repo, count: 8)
        let before = try repo.crier(["plan", "--at", SMTPEndToEndTests.at])
        #expect(before.code == 0, "\(before.err)")
        #expect(before.out.contains("8 item(s): 3 to send, 5 waiting for room under max_per_day, 0 skipped\n"), "\(before.out)")
        #expect(before.out.contains("visit     J003  client3@example.net  wait    daily-cap"), "\(before.out)")
        #expect(!before.out.contains("Waiting from earlier runs"), "no ledger, no backlog")

        let run = try repo.crier(["run", "--at", SMTPEndToEndTests.at])
        #expect(run.code == 75, "\(run.out)\(run.err)")
        #expect(!run.out.contains("skipped: daily-cap"), "capped items wait, they are not skipped: \(run.out)")

        // 10:30 the next morning: four visits have started; three of the rest fit under the cap.
        let morning = "2026-11-24T10:30:00+13:00"
        let table = try repo.crier(["plan", "--at", morning])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("Waiting from earlier runs (the next run takes these first):"), "\(table.out)")
        #expect(table.out.contains("visit     J000  client0@example.net  skip      event-started"), "\(table.out)")
        // J000's attempt met the dead server; J002 was never tried (the transport had stopped).
        #expect(table.out.contains("visit     J002  client2@example.net  send      not tried, last error: email.smtp smtp://"), "\(table.out)")
        #expect(table.out.contains("visit     J007  client7@example.net  wait      daily-cap"), "\(table.out)")
        #expect(table.out.contains("8 waiting: 3 to send, 4 to withdraw, 1 to wait longer"), "\(table.out)")

        let json = try repo.crier(["plan", "--at", morning, "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let backlog = try #require(document["backlog"] as? [[String: Any]])
        #expect(backlog.map { "\($0["key"] ?? "") \($0["action"] ?? "") \($0["reason"] ?? "-")" } == [
            "J000 skip event-started", "J001 skip event-started", "J002 send -", "J003 send -",
            "J004 skip event-started", "J005 skip event-started", "J006 send -", "J007 wait daily-cap",
        ])
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") == 8, "plan changes nothing")
        let again = try repo.crier(["plan", "--at", morning, "--format", "json"])
        #expect(again.out == json.out, "same inputs, same bytes")
    }
}
