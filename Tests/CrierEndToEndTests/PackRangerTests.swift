import CrierTestSupport
import Foundation
import Testing

/// The RangerMSP pack (schedules/ranger-*.yaml): "Alerts to Customers" on New Ticket and
/// Ticket Closed, with the seed's special cases.
@Suite("RangerMSP pack, end to end", .serialized)
struct PackRangerTests {
    static func pack() throws -> PackRepo {
        var pack = try PackRepo(schedules: ["ranger-new-ticket.yaml", "ranger-ticket-closed.yaml"])
        try pack.edit("INSERT INTO clients (id, name) VALUES (1, 'Kauri Accounting')")
        #expect(try pack.run(at: "2026-11-23T09:00:00+13:00") == [], "the first evaluation is a silent baseline")
        return pack
    }

    @Test("New Ticket alerts are sent when a ticket is created by an employee or via the API, not by the email connector, automated emails or the web interface")
    func newTicket() throws {
        var pack = try Self.pack()
        try pack.edit("""
            INSERT INTO tickets VALUES (1, 'T-100', 1, 'Printer offline', 'New', 'employee', '2026-11-22T20:01:00Z', NULL),
                                       (2, 'T-101', 1, 'Backup failed', 'New', 'api', '2026-11-22T20:02:00Z', NULL),
                                       (3, 'T-102', 1, 'Re: invoice', 'New', 'email_connector', '2026-11-22T20:03:00Z', NULL),
                                       (4, 'T-103', 1, 'Disk 90% full', 'New', 'automated_email', '2026-11-22T20:04:00Z', NULL),
                                       (5, 'T-104', 1, 'Portal request', 'New', 'web', '2026-11-22T20:05:00Z', NULL);
            INSERT INTO ticket_recipients VALUES (1, 'Aroha', 'aroha@kauri.example', 1), (1, 'Ben', 'ben@kauri.example', 1),
                                                 (1, 'Our tech', 'tech@msp.example', 0), (2, 'Aroha', 'aroha@kauri.example', 1),
                                                 (3, 'Aroha', 'aroha@kauri.example', 1), (4, 'Aroha', 'aroha@kauri.example', 1),
                                                 (5, 'Aroha', 'aroha@kauri.example', 1);
            """)
        #expect(try pack.run(at: "2026-11-23T09:05:00+13:00") == [
            "aroha@kauri.example | New ticket T-100: Printer offline",
            "aroha@kauri.example | New ticket T-101: Backup failed",
            "ben@kauri.example | New ticket T-100: Printer offline",
        ], "external recipients only")
    }

    @Test("Closed Ticket alerts are sent whenever the ticket status changes to Completed; a status changed back to New by hand does not alert")
    func closedAndBackToNew() throws {
        var pack = try Self.pack()
        try pack.edit("""
            INSERT INTO tickets VALUES (1, 'T-100', 1, 'Printer offline', 'New', 'employee', '2026-11-22T20:01:00Z', NULL),
                                       (2, 'T-101', 1, 'Re: invoice', 'New', 'email_connector', '2026-11-22T20:02:00Z', NULL);
            INSERT INTO ticket_recipients VALUES (1, 'Aroha', 'aroha@kauri.example', 1), (2, 'Aroha', 'aroha@kauri.example', 1);
            """)
        #expect(try pack.run(at: "2026-11-23T09:05:00+13:00") == ["aroha@kauri.example | New ticket T-100: Printer offline"])
        try pack.edit("UPDATE tickets SET status = 'Waiting' WHERE id = 1; UPDATE tickets SET status = 'In Progress' WHERE id = 2")
        #expect(try pack.run(at: "2026-11-23T09:10:00+13:00") == [], "other statuses alert nobody")
        try pack.edit("UPDATE tickets SET status = 'Completed', closed_at = '2026-11-22T21:00:00Z'")
        #expect(try pack.run(at: "2026-11-23T10:05:00+13:00") == [
            "aroha@kauri.example | Ticket T-100 closed: Printer offline",
            "aroha@kauri.example | Ticket T-101 closed: Re: invoice",
        ], "closing alerts whoever created the ticket")
        try pack.edit("UPDATE tickets SET status = 'New', closed_at = NULL WHERE id = 1")
        #expect(try pack.run(at: "2026-11-23T10:10:00+13:00") == [], "set back to New by hand: no New Ticket alert")
        try pack.edit("UPDATE tickets SET status = 'Completed' WHERE id = 1")
        #expect(try pack.run(at: "2026-11-23T10:15:00+13:00") == ["aroha@kauri.example | Ticket T-100 closed: Printer offline"],
                "closed again, alerted again")
    }
}
