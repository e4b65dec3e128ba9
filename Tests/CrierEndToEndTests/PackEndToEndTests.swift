import CrierTestSupport
import Foundation
import Testing

@Suite("Example packs, end to end", .serialized)
struct PackEndToEndTests {
    @Test func smartJobNotificationsAndIncompleteReminders() throws {
        var pack = try PackRepo(schedules: ["smart-job-status.yaml", "smart-job-updated.yaml", "smart-incomplete.yaml"])
        try pack.edit("""
            INSERT INTO clients (id, name) VALUES (1, 'Harbour Dental');
            INSERT INTO alarm_companies VALUES (1, 'Sentinel Monitoring', 'ops@sentinel.example');
            INSERT INTO locations VALUES (1, 1, 'Ponsonby clinic', 1, 0), (2, 1, 'Storage unit', 1, 1);
            INSERT INTO service_providers VALUES (1, 'FixIt Techs', 'jobs@fixit.example', '021 555 0101');
            INSERT INTO subscriptions (subscriber_type, subscriber_id, channel, address, events, service_type) VALUES
              ('customer', 1, 'email', 'office@harbour.example', 'dispatched,completed,updated_incomplete', NULL),
              ('alarm_company', 1, 'email', 'ops@sentinel.example', 'completed', 'Alarm'),
              ('provider', 1, 'email', 'jobs@fixit.example', 'dispatched', NULL),
              ('provider', 1, 'sms', '021 555 0101', 'incomplete', NULL),
              ('location', 2, 'email', 'storage@harbour.example', 'dispatched,completed', NULL);
            INSERT INTO service_jobs (code, location_id, provider_id, service_type, description, status, notify_provider, dispatched_at, updated_at) VALUES
              ('S1', 1, 1, 'Alarm', 'Panel fault', 'Open', 1, NULL, '2026-11-02T00:00:00Z');
            """)
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [], "the first evaluation is a silent baseline")
        try pack.edit("""
            UPDATE service_jobs SET status = 'Dispatched', dispatched_at = '2026-11-02T01:30:00Z', updated_at = '2026-11-02T01:30:00Z' WHERE code = 'S1';
            INSERT INTO service_jobs (code, location_id, provider_id, service_type, description, status, notify_provider, dispatched_at, updated_at) VALUES
              ('S2', 2, 1, 'Alarm', 'Door sensor', 'Dispatched', 1, '2026-11-02T01:30:00Z', '2026-11-02T01:30:00Z'),
              ('S3', 1, 1, 'CCTV', 'Camera 3', 'Deferred', 1, '2026-11-02T01:30:00Z', '2026-11-02T01:30:00Z'),
              ('S4', 1, 1, 'CCTV', 'Camera 4', 'Dispatched', 0, '2026-11-02T01:30:00Z', '2026-11-02T01:30:00Z');
            """)
        // S1 dispatched: the customer and the provider. S2's location says "don't notify"; S3 is
        // deferred; S4 has "notify provider" off, so only the customer hears of it.
        let dispatched = try pack.run(at: "2026-11-02T14:40:00+13:00")
        #expect(dispatched == [
            "jobs@fixit.example | Job S1 dispatched: Alarm at Ponsonby clinic",
            "office@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic",
            "office@harbour.example | Job S4 dispatched: CCTV at Ponsonby clinic",
        ], "\(dispatched)")
        try pack.edit("UPDATE service_jobs SET updated_at = '2026-11-03T02:00:00Z' WHERE code = 'S1'")
        #expect(try pack.run(at: "2026-11-03T15:05:00+13:00") == ["office@harbour.example | Job S1 updated (Dispatched)"])
        // Incomplete reminders to the provider's SMS: 3, 6 and 9 days after dispatch, hourly checks.
        #expect(try pack.run(at: "2026-11-05T14:00:00+13:00") == [])
        let first = try pack.run(at: "2026-11-05T15:00:00+13:00")
        #expect(first.count == 1, "S4 has notify provider off: its provider hears nothing")
        #expect(first.allSatisfy { $0.hasPrefix("+64215550101 | Job S") && $0.contains("reminder 1 of 3") })
        #expect(try pack.run(at: "2026-11-05T16:00:00+13:00") == [])
        #expect(try pack.run(at: "2026-11-08T15:00:00+13:00").filter { $0.contains("S1 ") } == [
            "+64215550101 | Job S1 (Alarm, Ponsonby clinic) is still incomplete: reminder 2 of 3, dispatched Mon 2 Nov.",
        ])
        try pack.edit("UPDATE service_jobs SET status = 'Completed', updated_at = '2026-11-09T00:00:00Z' WHERE code = 'S1'")
        // Completed: the customer and the alarm company (Alarm jobs); an update after completion
        // is not what the customer subscribed to; no more incomplete reminders for S1.
        let completed = try pack.run(at: "2026-11-11T15:00:00+13:00")
        #expect(completed.filter { $0.contains("S1") } == [
            "office@harbour.example | Job S1 completed: Alarm at Ponsonby clinic",
            "ops@sentinel.example | Job S1 completed: Alarm at Ponsonby clinic",
        ])
        #expect(completed.filter { $0.contains("S4") }.isEmpty)
        #expect(try pack.run(at: "2026-11-20T15:00:00+13:00") == [], "repeat 3 means three reminders at most")
    }

    @Test func rangerNewAndClosedTicketAlerts() throws {
        var pack = try PackRepo(schedules: ["ranger-new-ticket.yaml", "ranger-ticket-closed.yaml"])
        try pack.edit("INSERT INTO clients (id, name) VALUES (1, 'Kauri Accounting')")
        #expect(try pack.run(at: "2026-11-23T09:00:00+13:00") == [])
        try pack.edit("""
            INSERT INTO tickets VALUES (1, 'T-100', 1, 'Printer offline', 'New', 'manual', '2026-11-22T20:01:00Z', NULL),
                                       (2, 'T-101', 1, 'Re: invoice', 'New', 'email_connector', '2026-11-22T20:02:00Z', NULL),
                                       (3, 'T-102', 1, 'Portal request', 'New', 'web', '2026-11-22T20:03:00Z', NULL);
            INSERT INTO ticket_recipients VALUES (1, 'Aroha', 'aroha@kauri.example', 1), (1, 'Ben', 'ben@kauri.example', 1),
                                                 (1, 'Our tech', 'tech@msp.example', 0), (2, 'Aroha', 'aroha@kauri.example', 1),
                                                 (3, 'Aroha', 'aroha@kauri.example', 1);
            """)
        #expect(try pack.run(at: "2026-11-23T09:05:00+13:00") == [
            "aroha@kauri.example | New ticket T-100: Printer offline",
            "ben@kauri.example | New ticket T-100: Printer offline",
        ])
        try pack.edit("UPDATE tickets SET status = 'Closed', closed_at = '2026-11-22T21:00:00Z' WHERE id IN (1, 2)")
        #expect(try pack.run(at: "2026-11-23T10:05:00+13:00") == [
            "aroha@kauri.example | Ticket T-100 closed: Printer offline",
            "aroha@kauri.example | Ticket T-101 closed: Re: invoice",
            "ben@kauri.example | Ticket T-100 closed: Printer offline",
        ])
        try pack.edit("UPDATE tickets SET status = 'New', closed_at = NULL WHERE id = 1")
        #expect(try pack.run(at: "2026-11-23T10:10:00+13:00") == [], "set back to New by hand: no New Ticket alert")
    }

    @Test func angelTrackDispatchEmails() throws {
        var pack = try PackRepo(schedules: ["angeltrack-affiliate.yaml", "angeltrack-employee-assigned.yaml", "angeltrack-employee-cancelled.yaml"])
        try pack.edit("""
            INSERT INTO affiliates VALUES (1, 'Coastal Ambulance', 'dispatch@coastal.example'), (2, 'Metro Medics', 'desk@metro.example');
            INSERT INTO employees VALUES (1, 'Sam', 'sam@angel.example', 'assigned,cancelled'), (2, 'Kim', 'kim@angel.example', 'cancelled'),
                                         (3, 'Lee', 'lee@angel.example', '');
            INSERT INTO dispatches VALUES (1, 'D-7', '2026-11-24T08:00:00+13:00', 'Auckland Hospital', '12 Rata St', 'Scheduled', NULL);
            """)
        #expect(try pack.run(at: "2026-11-23T09:00:00+13:00") == [])
        try pack.edit("UPDATE dispatches SET affiliate_id = 1 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:02:00+13:00") == [
            "dispatch@coastal.example | Dispatch D-7 assigned to you",
            "sam@angel.example | Dispatch D-7 assigned to Coastal Ambulance",
        ])
        try pack.edit("UPDATE dispatches SET pickup_at = '2026-11-24T09:30:00+13:00' WHERE number = 'D-7'")
        let changed = try pack.run(at: "2026-11-23T09:04:00+13:00")
        #expect(changed == ["dispatch@coastal.example | Dispatch D-7 changed (Scheduled)"])
        let body = try pack.repo.outbox("email").map { try String(contentsOfFile: "\(pack.repo.root)/outbox/email/\($0)", encoding: .utf8) }
        #expect(body.contains { $0.contains("pickup_at: 2026-11-24T08:00:00+13:00 -> 2026-11-24T09:30:00+13:00") })
        try pack.edit("UPDATE dispatches SET affiliate_id = 2 WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:06:00+13:00") == [
            "desk@metro.example | Dispatch D-7 assigned to you",
            "dispatch@coastal.example | Dispatch D-7 unassigned from you",
            "sam@angel.example | Dispatch D-7 assigned to Metro Medics",
        ])
        try pack.edit("UPDATE dispatches SET status = 'Cancelled' WHERE number = 'D-7'")
        #expect(try pack.run(at: "2026-11-23T09:08:00+13:00") == [
            "desk@metro.example | Dispatch D-7 changed (Cancelled)",
            "kim@angel.example | Dispatch D-7 cancelled",
            "sam@angel.example | Dispatch D-7 cancelled",
        ])
    }
}
