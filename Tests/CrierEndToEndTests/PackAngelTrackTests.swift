import CrierTestSupport
import Foundation
import Testing

/// The AngelTrack pack (schedules/angeltrack-*.yaml): dispatch emails to affiliates and employees.
@Suite("AngelTrack pack, end to end", .serialized)
struct PackAngelTrackTests {
    @Test func angelTrackDispatchEmails() throws {
        var pack = try PackRepo(schedules: ["angeltrack-affiliate.yaml", "angeltrack-employee-assigned.yaml", "angeltrack-employee-cancelled.yaml"])
        try pack.edit("""
            INSERT INTO affiliates VALUES (1, 'Coastal Ambulance', 'dispatch@coastal.example'), (2, 'Metro Medics', 'desk@metro.example');
            INSERT INTO employees (id, name, email, notify_events) VALUES (1, 'Sam', 'sam@angel.example', 'assigned,cancelled'), (2, 'Kim', 'kim@angel.example', 'cancelled'),
                                         (3, 'Lee', 'lee@angel.example', '');
            INSERT INTO employees VALUES (4, 'Ana', 'ana@angel.example', 'cancelled', 1, '021 555 0123');
            INSERT INTO dispatches VALUES (1, 'D-7', '2026-11-23T19:00:00Z', 'Auckland Hospital', '12 Rata St', 'Scheduled', NULL);
            """)  // AngelTrack stores the pickup in UTC: 8:00am on Tuesday 24 November in Auckland
        #expect(try pack.run(at: "2026-11-23T09:00:00+13:00") == [])
        try pack.edit("UPDATE dispatches SET affiliate_id = 1 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:02:00+13:00") == [
            "dispatch@coastal.example | Dispatch D-7 assigned to you",
            "sam@angel.example | Dispatch D-7 assigned to Coastal Ambulance",
        ])
        let assigned = pack.delivered.first { $0.contains("To: dispatch@coastal.example") } ?? ""
        #expect(assigned.contains("Dear Coastal Ambulance,\r\n\r\nDispatch D-7 has been assigned to you.\r\n\r\nPickup: Tuesday 24 November 2026 at 8:00am\r\n"),
                "the sections of the other events leave no blank lines, and the pickup is in local time (times:): \(assigned)")
        let employee = (pack.delivered.first { $0.contains("To: sam@angel.example") } ?? "").replacingOccurrences(of: "=\r\n", with: "")
        #expect(employee.contains("pickup Tuesday 24 Nov at 8:00am) was assigned to Coastal Ambulance."), "\(employee)")
        try pack.edit("UPDATE dispatches SET pickup_at = '2026-11-23T20:30:00Z' WHERE number = 'D-7'")
        let changed = try pack.run(at: "2026-11-23T09:04:00+13:00")
        #expect(changed == ["dispatch@coastal.example | Dispatch D-7 changed (Scheduled)"])
        let body = try pack.repo.outbox("email").map { try String(contentsOfFile: "\(pack.repo.root)/outbox/email/\($0)", encoding: .utf8) }
        #expect(body.contains { $0.contains("Dispatch D-7 has changed:\r\n  pickup_at: Tue 24 Nov 2026 8:00am -> Tue 24 Nov 2026 9:30am\r\n\r\nPickup: Tuesday 24 November 2026 at 9:30am\r\n") },
                "the change shows the old and new pickup in local time too")
        #expect(body.allSatisfy { !$0.contains("\r\n\r\n\r\n") }, "no run of blank lines in any email")
        try pack.edit("UPDATE dispatches SET affiliate_id = 2 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:06:00+13:00") == [
            "desk@metro.example | Dispatch D-7 assigned to you",
            "dispatch@coastal.example | Dispatch D-7 unassigned from you",
            "sam@angel.example | Dispatch D-7 assigned to Metro Medics",
        ])
        try pack.edit("UPDATE dispatches SET status = 'Cancelled' WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:08:00+13:00") == [
            "+64215550123 | Dispatch D-7 cancelled: Auckland Hospital -> 12 Rata St, pickup Tue 24 Nov 9:30am.",
            "desk@metro.example | Dispatch D-7 changed (Cancelled)",
            "kim@angel.example | Dispatch D-7 cancelled",
            "sam@angel.example | Dispatch D-7 cancelled",
        ])
    }
}
