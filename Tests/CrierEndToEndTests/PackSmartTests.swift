import CrierTestSupport
import Foundation
import Testing

/// The Smart pack (schedules/smart-*.yaml), one test per sentence of the seed's "Job reminders
/// and notifications" page that says who is notified and when.
@Suite("Smart pack, end to end", .serialized)
struct PackSmartTests {
    static let schedules = ["smart-job-status.yaml", "smart-job-updated.yaml", "smart-incomplete.yaml"]

    /// A customer with two locations (one alarm company), a provider with an email and a mobile,
    /// one with neither, and `jobs` (rows of service_jobs without the id).
    static func pack(subscriptions: String, jobs: String) throws -> PackRepo {
        let pack = try PackRepo(schedules: schedules)
        try pack.edit("""
            INSERT INTO clients (id, name) VALUES (1, 'Harbour Dental');
            INSERT INTO alarm_companies VALUES (1, 'Sentinel Monitoring', 'ops@sentinel.example');
            INSERT INTO locations VALUES (1, 1, 'Ponsonby clinic', '12 Jervois Rd', 1), (2, 1, 'Storage unit', '3 Rata St', 1);
            INSERT INTO service_providers VALUES (1, 'FixIt Techs', 'jobs@fixit.example', '021 555 0101'), (2, 'Solo Sparky', NULL, NULL);
            INSERT INTO subscriptions (subscriber_type, subscriber_id, service_type, notify_when, via, address,
                                       notify_provider, dont_notify, remind_after_days, remind_times) VALUES \(subscriptions);
            INSERT INTO service_jobs (code, location_id, provider_id, service_type, status, deferred, docket_number,
                                      initial_request, outcome, dispatched_at, on_site_at, off_site_at, invoice_number) VALUES \(jobs);
            """)
        return pack
    }

    @Test("Notify Provider sends to the provider's own phone or email, and nothing when the provider has none")
    func notifyProvider() throws {
        var pack = try Self.pack(
            subscriptions: """
                ('customer', 1, NULL, 'dispatched', 'Text Email', 'office@harbour.example', 1, 0, 1, 1),
                ('customer', 1, NULL, 'incomplete', 'SMS', '021 555 0199', 1, 0, 1, 1)
                """,
            jobs: """
                ('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, NULL, NULL, NULL, NULL),
                ('S2', 1, 2, 'Alarm', 'In Progress', 0, NULL, 'Siren fault', NULL, NULL, NULL, NULL, NULL)
                """)
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [], "the first evaluation is a silent baseline")
        try pack.edit("UPDATE service_jobs SET dispatched_at = '2026-11-02T01:30:00Z'")
        #expect(try pack.run(at: "2026-11-02T14:35:00+13:00") == [
            "jobs@fixit.example | Job S1 dispatched: Alarm at Ponsonby clinic",
        ], "to the provider's email, not the notification's address; S2's provider has no email")
        #expect(try pack.run(at: "2026-11-03T15:00:00+13:00") == [
            "+64215550101 | Job S1 (Alarm) is still incomplete after 1 days: reminder 1 of 1.",
        ], "to the provider's mobile; S2's provider has no phone")
        let history = try pack.repo.crier(["history", "--key", "S2"])
        #expect(history.out.contains("invalid-address"), "the ledger says why S2's provider hears nothing: \(history.out)")
    }

    @Test("Don't notify on a location overrides the customer's other settings, so that the location can have its own recipients")
    func dontNotify() throws {
        var pack = try Self.pack(
            subscriptions: """
                ('customer', 1, NULL, 'dispatched', 'Text Email', 'office@harbour.example', 0, 0, 1, 1),
                ('customer', 1, NULL, 'completed', 'Text Email', 'office@harbour.example', 0, 0, 1, 1),
                ('location', 2, NULL, 'dispatched', 'Text Email', NULL, 0, 1, 1, 1),
                ('location', 2, NULL, 'dispatched', 'Text Email', 'storage@harbour.example', 0, 0, 1, 1),
                ('alarm_company', 1, NULL, 'dispatched', 'Text Email', 'ops@sentinel.example', 0, 0, 1, 1)
                """,
            jobs: """
                ('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, NULL, NULL, NULL, NULL),
                ('S2', 2, 1, 'Alarm', 'In Progress', 0, NULL, 'Door sensor', NULL, NULL, NULL, NULL, NULL)
                """)
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET dispatched_at = '2026-11-02T01:30:00Z'")
        #expect(try pack.run(at: "2026-11-02T14:35:00+13:00") == [
            "office@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic",
            "ops@sentinel.example | Job S1 dispatched: Alarm at Ponsonby clinic",
            "ops@sentinel.example | Job S2 dispatched: Alarm at Storage unit",
            "storage@harbour.example | Job S2 dispatched: Alarm at Storage unit",
        ], "the storage unit's own recipient instead of the customer's; the alarm company still hears")
        try pack.edit("UPDATE service_jobs SET status = 'Completed', off_site_at = '2026-11-02T03:00:00Z'")
        #expect(try pack.run(at: "2026-11-02T16:05:00+13:00") == [
            "office@harbour.example | Job S1 completed: Alarm at Ponsonby clinic",
            "office@harbour.example | Job S2 completed: Alarm at Storage unit",
        ], "the location overrides only the customer's Dispatched notification")
    }

    @Test("Updated (incomplete) fires on changes to the on/off-site or dispatched times, docket number, initial request or outcome while In Progress")
    func updatedIncomplete() throws {
        var pack = try Self.pack(
            subscriptions: "('customer', 1, NULL, 'updated_incomplete', 'Text Email', 'office@harbour.example', 0, 0, 1, 1)",
            jobs: "('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, '2026-11-02T01:30:00Z', NULL, NULL, NULL)")
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        let edits = [
            "dispatched_at = '2026-11-02T02:00:00Z'", "on_site_at = '2026-11-02T02:30:00Z'",
            "off_site_at = '2026-11-02T03:30:00Z'", "docket_number = 'D-881'",
            "initial_request = 'Panel fault, zone 3'", "outcome = 'Replaced battery'",
        ]
        var minute = 0
        for edit in edits {
            minute += 5
            try pack.edit("UPDATE service_jobs SET \(edit)")
            let sent = try pack.run(at: "2026-11-02T14:\(String(format: "%02d", minute)):00+13:00")
            #expect(sent == ["office@harbour.example | Job S1 updated (In Progress)"], "\(edit): \(sent)")
        }
        let body = pack.delivered.joined()
        #expect(body.contains("outcome:  -> Replaced battery"), "\(body)")
        try pack.edit("UPDATE service_jobs SET technician = 'Hēmi'")
        #expect(try pack.run(at: "2026-11-02T14:35:00+13:00") == [], "an unwatched field is no update")
        try pack.edit("UPDATE service_jobs SET status = 'Completed', outcome = 'Replaced battery and siren'")
        #expect(try pack.run(at: "2026-11-02T14:40:00+13:00") == [], "no longer In Progress")
        try pack.edit("UPDATE service_jobs SET docket_number = 'D-882'")
        #expect(try pack.run(at: "2026-11-02T14:45:00+13:00") == [], "Updated (incomplete) only while In Progress")
    }

    @Test("Updated (complete) fires on changes to the times, docket number or outcome, but not the initial request, while not In Progress")
    func updatedComplete() throws {
        var pack = try Self.pack(
            subscriptions: "('customer', 1, NULL, 'updated_complete', 'Text Email', 'office@harbour.example', 0, 0, 1, 1)",
            jobs: """
                ('S1', 1, 1, 'Alarm', 'Completed', 0, 'D-1', 'Panel fault', 'Fixed', '2026-11-02T01:30:00Z', NULL, '2026-11-02T03:00:00Z', NULL),
                ('S2', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Siren fault', NULL, '2026-11-02T01:30:00Z', NULL, NULL, NULL)
                """)
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET initial_request = 'Panel and siren fault'")
        #expect(try pack.run(at: "2026-11-02T14:05:00+13:00") == [], "the initial request is not watched after completion")
        for (minute, edit) in [(10, "outcome = 'Fixed: new panel'"), (15, "docket_number = 'D-2'"), (20, "off_site_at = '2026-11-02T03:15:00Z'")] {
            try pack.edit("UPDATE service_jobs SET \(edit)")
            #expect(try pack.run(at: "2026-11-02T14:\(minute):00+13:00") == ["office@harbour.example | Job S1 updated (Completed)"], "\(edit)")
        }
        try pack.edit("UPDATE service_jobs SET status = 'In Progress' WHERE code = 'S1'; UPDATE service_jobs SET status = 'Cancelled' WHERE code = 'S2'")
        #expect(try pack.run(at: "2026-11-02T14:25:00+13:00") == [], "a status change alone is no update")
    }

    @Test("Dispatched, Completed and Invoiced: a dispatched time is specified, the status changes from In Progress, an invoice is produced")
    func statusEvents() throws {
        var pack = try Self.pack(
            subscriptions: """
                ('customer', 1, NULL, 'dispatched', 'Text Email', 'office@harbour.example', 0, 0, 1, 1),
                ('customer', 1, 'CCTV', 'completed', 'Text Email', 'office@harbour.example', 0, 0, 1, 1),
                ('provider', 1, NULL, 'invoiced', 'Text Email', 'accounts@fixit.example', 0, 0, 1, 1)
                """,
            jobs: """
                ('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, NULL, NULL, NULL, NULL),
                ('S2', 1, 1, 'CCTV', 'In Progress', 0, NULL, 'Camera 3', NULL, NULL, NULL, NULL, NULL),
                ('S3', 1, 2, 'CCTV', 'In Progress', 0, NULL, 'Camera 4', NULL, NULL, NULL, NULL, NULL)
                """)
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET dispatched_at = '2026-11-02T01:30:00Z' WHERE code = 'S1'")
        #expect(try pack.run(at: "2026-11-02T14:05:00+13:00") == ["office@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic"])
        try pack.edit("UPDATE service_jobs SET status = 'Completed'")
        #expect(try pack.run(at: "2026-11-02T14:10:00+13:00") == [
            "office@harbour.example | Job S2 completed: CCTV at Ponsonby clinic",
            "office@harbour.example | Job S3 completed: CCTV at Ponsonby clinic",
        ], "only CCTV jobs, as the notification's service type says")
        try pack.edit("UPDATE service_jobs SET invoice_number = 'INV-' || id")
        #expect(try pack.run(at: "2026-11-02T14:15:00+13:00") == [
            "accounts@fixit.example | Job S1 invoiced (INV-1): Alarm at Ponsonby clinic",
            "accounts@fixit.example | Job S2 invoiced (INV-2): CCTV at Ponsonby clinic",
        ], "the provider's own notification covers the jobs it provides")
        try pack.edit("UPDATE service_jobs SET status = 'In Progress' WHERE code = 'S2'")
        #expect(try pack.run(at: "2026-11-02T14:20:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET status = 'Cancelled' WHERE code = 'S2'")
        #expect(try pack.run(at: "2026-11-02T14:25:00+13:00") == ["office@harbour.example | Job S2 cancelled: CCTV at Ponsonby clinic"],
                "changed from In Progress to some other value, again")
    }

    @Test("Incomplete: a dispatched or on-site time and no off-site time, N days after the later of them, then every N days, K times")
    func incomplete() throws {
        var pack = try Self.pack(
            subscriptions: "('location', 1, NULL, 'incomplete', 'SMS', '021 555 0199', 0, 0, 3, 2)",
            jobs: """
                ('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, '2026-11-02T01:30:00Z', '2026-11-02T02:10:00Z', NULL, NULL),
                ('S2', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Siren', NULL, '2026-11-02T01:30:00Z', '2026-11-02T02:10:00Z', '2026-11-02T03:00:00Z', NULL),
                ('S3', 1, 1, 'Alarm', 'Completed', 0, NULL, 'Keypad', NULL, NULL, '2026-11-02T04:00:00Z', NULL, NULL),
                ('S4', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Not yet dispatched', NULL, NULL, NULL, NULL, NULL)
                """)
        // S1: on site 15:10 NZDT (later than dispatched), no off-site time: due 5 Nov 15:10, then 8 Nov.
        // S2 has an off-site time; S3 has only an on-site time (17:00) and no off-site time,
        // whatever its status says; S4 has no time at all.
        #expect(try pack.run(at: "2026-11-05T15:00:00+13:00") == [])
        #expect(try pack.run(at: "2026-11-05T16:00:00+13:00") == [
            "+64215550199 | Job S1 (Alarm) is still incomplete after 3 days: reminder 1 of 2.",
        ])
        #expect(try pack.run(at: "2026-11-05T17:00:00+13:00") == [])
        #expect(try pack.run(at: "2026-11-05T18:00:00+13:00") == [
            "+64215550199 | Job S3 (Alarm) is still incomplete after 3 days: reminder 1 of 2.",
        ])
        #expect(try pack.run(at: "2026-11-08T16:00:00+13:00") == [
            "+64215550199 | Job S1 (Alarm) is still incomplete after 6 days: reminder 2 of 2.",
        ])
        #expect(try pack.run(at: "2026-11-11T18:00:00+13:00") == [
            "+64215550199 | Job S3 (Alarm) is still incomplete after 6 days: reminder 2 of 2.",
        ], "a run that starts late sends only the latest reminder due")
        #expect(try pack.run(at: "2026-11-14T18:00:00+13:00") == [], "K = 2 reminders at most")
    }

    @Test("Via: with SMS or Text Email a shortened text version of the job is sent, each subscription by its own choice, from one schedule")
    func via() throws {
        var pack = try Self.pack(
            subscriptions: """
                ('customer', 1, NULL, 'dispatched', 'SMS', '021 555 0199', 0, 0, 1, 1),
                ('location', 1, NULL, 'dispatched', 'Text Email', 'clinic@harbour.example', 0, 0, 1, 1),
                ('alarm_company', 1, NULL, 'dispatched', 'SMS', NULL, 1, 0, 1, 1),
                ('customer', 1, NULL, 'incomplete', 'Text Email', 'office@harbour.example', 0, 0, 2, 1)
                """,
            jobs: "('S1', 1, 1, 'Alarm', 'In Progress', 0, NULL, 'Panel fault', NULL, NULL, NULL, NULL, NULL)")
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET dispatched_at = '2026-11-02T01:30:00Z'")
        #expect(try pack.run(at: "2026-11-02T14:35:00+13:00") == [
            "+64215550101 | Job S1 dispatched: Alarm at Ponsonby clinic.",
            "+64215550199 | Job S1 dispatched: Alarm at Ponsonby clinic.",
            "clinic@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic",
        ], "SMS to the customer's mobile and (Notify Provider) to the provider's, Text Email to the location")
        #expect(try pack.run(at: "2026-11-04T15:00:00+13:00") == ["office@harbour.example | Job S1 still incomplete after 2 days"])
        let email = pack.delivered.joined().replacingOccurrences(of: "=\r\n", with: "")  // quoted-printable soft breaks
        #expect(email.contains("Job S1 (Alarm) at Ponsonby clinic is still incomplete after 2 days: reminder 1 of 1."), "\(email)")
        #expect(!email.contains("multipart/mixed"), "a Text Email has no attachment")
    }

    @Test("Via: if PDF Email is selected, the job is sent as an attachment to the email, in the same format as when printing a job")
    func pdfEmail() throws {
        var pack = try Self.pack(
            subscriptions: """
                ('customer', 1, NULL, 'dispatched', 'PDF Email', 'office@harbour.example', 0, 0, 1, 1),
                ('location', 1, NULL, 'dispatched', 'Text Email', 'clinic@harbour.example', 0, 0, 1, 1)
                """,
            jobs: "('S1', 1, 1, 'Alarm', 'In Progress', 0, 'D-17', 'Panel fault & siren <zone 4>', NULL, NULL, NULL, NULL, NULL)")
        try pack.edit("UPDATE service_jobs SET technician = 'Hēmi Pōtae'")
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        try pack.edit("UPDATE service_jobs SET dispatched_at = '2026-11-02T01:30:00Z'")
        #expect(try pack.run(at: "2026-11-02T14:35:00+13:00") == [
            "clinic@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic",
            "office@harbour.example | Job S1 dispatched: Alarm at Ponsonby clinic",
        ])
        let attachments = AttachmentEndToEndTests()
        var parts: [String: String] = [:]
        for name in pack.repo.outbox("email") {
            let path = "\(pack.repo.root)/outbox/email/\(name)"
            let to = try String(contentsOfFile: path, encoding: .utf8).contains("To: office@") ? "office" : "clinic"
            parts[to] = try attachments.python(AttachmentEndToEndTests.parser, [path, "\(pack.repo.root)/\(to).pdf"])
        }
        #expect(parts["office"] == "multipart/mixed\ntext/plain -\napplication/pdf Job S1.pdf\n", "PDF Email: the text and the job sheet")
        #expect(parts["clinic"] == "text/plain\ntext/plain -\n", "Text Email: the text only")
        let sheet = try attachments.tool("/usr/bin/pdftotext", ["-layout", "\(pack.repo.root)/office.pdf", "-"])
        for field in ["Job S1", "Alarm · In Progress", "Harbour Dental", "Ponsonby clinic", "12 Jervois Rd", "FixIt Techs",
                      "Hēmi Pōtae", "D-17", "Mon 02/11/2026 2:30pm", "Panel fault & siren <zone 4>"] {
            #expect(sheet.contains(field), "the job sheet shows \(field): \(sheet)")
        }
        let email = pack.delivered.joined().replacingOccurrences(of: "=\r\n", with: "")
        #expect(email.contains("The job sheet is attached."))
    }

    @Test("If the Deferred box is checked in the Job Details window, no notifications are sent")
    func deferred() throws {
        let every = ["dispatched", "completed", "invoiced", "updated_incomplete", "updated_complete"].map {
            "('customer', 1, NULL, '\($0)', 'Text Email', 'office@harbour.example', 0, 0, 1, 1)"
        } + ["('customer', 1, NULL, 'incomplete', 'SMS', '021 555 0199', 0, 0, 1, 3)"]
        var pack = try Self.pack(
            subscriptions: every.joined(separator: ",\n"),
            jobs: "('S1', 1, 1, 'Alarm', 'In Progress', 1, NULL, 'Panel fault', NULL, NULL, NULL, NULL, NULL)")
        #expect(try pack.run(at: "2026-11-02T14:00:00+13:00") == [])
        for (at, edit) in [
            ("2026-11-02T14:05:00+13:00", "dispatched_at = '2026-11-02T01:00:00Z'"),
            ("2026-11-02T14:10:00+13:00", "outcome = 'Waiting for parts'"),
            ("2026-11-04T14:15:00+13:00", "status = 'Completed'"),
            ("2026-11-04T14:20:00+13:00", "docket_number = 'D-9'"),
            ("2026-11-04T14:25:00+13:00", "invoice_number = 'INV-9'"),
        ] {
            try pack.edit("UPDATE service_jobs SET \(edit)")
            #expect(try pack.run(at: at) == [], "deferred: \(edit)")
        }
    }
}
