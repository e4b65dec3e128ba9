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
            INSERT INTO dispatches VALUES (1, 'D-7', '2026-11-24T08:00:00+13:00', 'Auckland Hospital', '12 Rata St', 'Scheduled', NULL);
            """)
        #expect(try pack.run(at: "2026-11-23T09:00:00+13:00") == [])
        try pack.edit("UPDATE dispatches SET affiliate_id = 1 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:02:00+13:00") == [
            "dispatch@coastal.example | Dispatch D-7 assigned to you",
            "sam@angel.example | Dispatch D-7 assigned to Coastal Ambulance",
        ])
        let assigned = pack.delivered.first { $0.contains("To: dispatch@coastal.example") } ?? ""
        #expect(assigned.contains("Dear Coastal Ambulance,\r\n\r\nDispatch D-7 has been assigned to you.\r\n\r\nPickup: "),
                "the sections of the other events leave no blank lines: \(assigned)")
        try pack.edit("UPDATE dispatches SET pickup_at = '2026-11-24T09:30:00+13:00' WHERE number = 'D-7'")
        let changed = try pack.run(at: "2026-11-23T09:04:00+13:00")
        #expect(changed == ["dispatch@coastal.example | Dispatch D-7 changed (Scheduled)"])
        let body = try pack.repo.outbox("email").map { try String(contentsOfFile: "\(pack.repo.root)/outbox/email/\($0)", encoding: .utf8) }
        #expect(body.contains { $0.contains("Dispatch D-7 has changed:\r\n  pickup_at: 2026-11-24T08:00:00+13:00 -> 2026-11-24T09:30:00+13:00\r\n\r\nPickup: ") })
        #expect(body.allSatisfy { !$0.contains("\r\n\r\n\r\n") }, "no run of blank lines in any email")
        try pack.edit("UPDATE dispatches SET affiliate_id = 2 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:06:00+13:00") == [
            "desk@metro.example | Dispatch D-7 assigned to you",
            "dispatch@coastal.example | Dispatch D-7 unassigned from you",
            "sam@angel.example | Dispatch D-7 assigned to Metro Medics",
        ])
        try pack.edit("UPDATE dispatches SET status = 'Cancelled' WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:08:00+13:00") == [
            "+64215550123 | Dispatch D-7 cancelled: Auckland Hospital -> 12 Rata St, pickup 2026-11-24T09:30:00+13:00.",
            "desk@metro.example | Dispatch D-7 changed (Cancelled)",
            "kim@angel.example | Dispatch D-7 cancelled",
            "sam@angel.example | Dispatch D-7 cancelled",
        ])
    }
}
