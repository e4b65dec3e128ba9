import CrierTestSupport
import Foundation
import GRDB
import Testing

/// `envelope_from`, `archive_bcc` and `allowed_regions`, run through the built binary.
@Suite("Envelope sender, archive copy and allowed regions, end to end")
struct EnvelopeEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"

    static func config(transport: String) -> String {
        """
        timezone: Pacific/Auckland
        snapshot: data/snapshot.sqlite
        ledger: state/ledger.sqlite
        email:
          from: "Acme Services <noreply@acme.example>"
          envelope_from: bounces@acme.example
          archive_bcc: archive@acme.example
        \(transport)
        sms:
          default_region: NZ
          allowed_regions: [NZ, AU]
        outbox: outbox
        """
    }

    func repo(transport: String) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: Self.config(transport: transport), schedules: ["visit.yaml": SMTPEndToEndTests.schedule],
                                  templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 2)
        return repo
    }

    @Test func smtpUsesTheEnvelopeSenderAndCopiesTheArchiveOutsideTheHeaders() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let repo = try repo(transport: "  transport: smtp\n  smtp: { url: \"\(server.url)\", tls: none }")
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.out)\(run.err)")
        let received = server.received()
        #expect(received.map(\.mailFrom) == Array(repeating: "bounces@acme.example", count: 4))
        #expect(received.flatMap(\.recipients).sorted() == ["archive@acme.example", "archive@acme.example",
                                                             "client0@example.net", "client1@example.net"])
        #expect(received.allSatisfy { !$0.data.contains("archive@") && !$0.data.contains("bounces@") && !$0.data.contains("Bcc:") })
        #expect(received.allSatisfy { $0.data.contains("From: Acme Services <noreply@acme.example>") })
    }

    @Test func theOutboxShowsTheEnvelopeBesideTheMessage() throws {
        let repo = try repo(transport: "")
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.out)\(run.err)")
        let names = repo.outbox("email")
        #expect(names.count == 2)
        for name in names {
            let eml = try String(contentsOfFile: "\(repo.root)/outbox/email/\(name)", encoding: .utf8)
            #expect(eml.hasPrefix("Return-Path: <bounces@acme.example>\r\nDate: "))
            #expect(!eml.contains("archive@"))
            let id = name.replacingOccurrences(of: ".eml", with: "")
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(repo.root)/outbox/envelope/\(id).json"))) as? [String: Any]
            #expect(envelope?["mail_from"] as? String == "bounces@acme.example")
            #expect((envelope?["rcpt_to"] as? [String])?.last == "archive@acme.example")
            #expect((envelope?["rcpt_to"] as? [String])?.count == 2)
        }
    }

    @Test func numbersOutsideTheAllowedRegionsAreInvalidAddresses() throws {
        let repo = try ConfigRepo(config: Self.config(transport: ""), schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, phone TEXT, name TEXT)")
            for (job, phone) in [("J1", "021 123 4567"), ("J2", "+61 412 345 678"), ("J3", "+1 415 555 0100"), ("J4", "+44 7700 900123")] {
                try db.execute(sql: "INSERT INTO appointments VALUES (?, '2026-11-23T21:00:00Z', ?, 'Client')", arguments: [job, phone])
            }
        }
        try queue.close()
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json"])
        #expect(plan.code == 0, "\(plan.err)")
        let items = try #require((try JSONSerialization.jsonObject(with: Data(plan.out.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.map { $0["key"] as? String ?? "" } == ["J1", "J2", "J3", "J4"])
        #expect(items.map { $0["reason"] as? String ?? "send" } == ["send", "send", "invalid-address", "invalid-address"])
        #expect(items.map { $0["recipient"] as? String ?? "" } == ["+64211234567", "+61412345678", "+1 415 555 0100", "+44 7700 900123"])
    }
}
