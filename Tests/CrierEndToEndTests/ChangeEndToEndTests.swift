import CrierTestSupport
import Foundation
import GRDB
import Testing

/// The change trigger over a real snapshot and ledger: keys as text, as an INTEGER column and
/// as a computed number narrow the second pass differently in SQL, and must agree.
@Suite("change trigger, end to end")
struct ChangeEndToEndTests {
    static func schedule(key: String) -> String {
        """
        cron: "*/5 * * * *"
        channel: email
        template: ticket
        trigger:
          change: { on: [enter, leave, change], watch: [status] }
        query: |
          SELECT \(key) AS key, w.email AS recipient, t.status, t.title
          FROM tickets t JOIN watchers w ON w.ticket = t.id;
        """
    }

    let repo: ConfigRepo

    init() throws {
        repo = try ConfigRepo(schedules: ["by-number.yaml": Self.schedule(key: "t.number"), "by-id.yaml": Self.schedule(key: "t.id"),
                                          "by-sum.yaml": Self.schedule(key: "t.id + 0")],
                              templates: ["ticket.email.mustache": "---\nsubject: \"{{key}} {{event}}\"\n---\n{{title}} is {{status}}\n"])
        try edit("""
            CREATE TABLE tickets (id INTEGER PRIMARY KEY, number TEXT, status TEXT, title TEXT);
            CREATE TABLE watchers (ticket INTEGER, email TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO tickets SELECT i, 'T-' || i, 'Open', 'Ticket ' || i FROM n;
            INSERT INTO watchers SELECT id, 'desk@example.com' FROM tickets;
            INSERT INTO watchers SELECT id, 'owner' || (id % 7) || '@example.com' FROM tickets WHERE id % 3 = 0;
            """)
    }

    func edit(_ sql: String) throws {
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// The plan's items per schedule, as "key event recipient", with keys shown as ticket ids.
    func plan(at: String) throws -> [String: [String]] {
        let result = try repo.crier(["plan", "--at", at, "--format", "json", "-o", "plan.json"])
        #expect(result.code == 0, "\(result.err)")
        let data = try Data(contentsOf: URL(fileURLWithPath: repo.root + "/plan.json"))
        let plan = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var items: [String: [String]] = [:]
        for item in try #require(plan["items"] as? [[String: Any]]) {
            let key = (item["key"] as? String ?? "").replacingOccurrences(of: "T-", with: "")
            let event = (item["occurrence"] as? String ?? "").prefix { $0 != "@" }
            items[item["schedule"] as? String ?? "", default: []].append("\(key) \(event) \(item["recipient"] as? String ?? "")")
        }
        return items.mapValues { $0.sorted() }
    }

    @Test func textIntegerAndComputedKeysAgree() throws {
        #expect(try plan(at: "2026-11-23T09:00:00+13:00").isEmpty)
        #expect(try repo.crier(["execute", "plan.json", "--at", "2026-11-23T09:00:00+13:00"]).code == 0)
        try edit("""
            UPDATE tickets SET status = 'Closed' WHERE id IN (3, 10, 200);
            UPDATE tickets SET title = 'unwatched' WHERE id = 11;
            DELETE FROM tickets WHERE id = 12;
            INSERT INTO tickets VALUES (301, 'T-301', 'Open', 'New one');
            INSERT INTO watchers VALUES (301, 'desk@example.com'), (20, 'late@example.com');
            """)
        let expected = ["10 change desk@example.com", "12 leave desk@example.com", "12 leave owner5@example.com",
                        "20 change desk@example.com", "20 change late@example.com", "200 change desk@example.com",
                        "3 change desk@example.com", "3 change owner3@example.com", "301 enter desk@example.com"]
        let planned = try plan(at: "2026-11-23T09:05:00+13:00")
        #expect(planned == ["by-number": expected, "by-id": expected, "by-sum": expected])
        // The reviewed plan carries the state: once executed, nothing is left to notify.
        let executed = try repo.crier(["execute", "plan.json", "--at", "2026-11-23T09:05:00+13:00"])
        #expect(executed.code == 0, "\(executed.err)")
        #expect(repo.outbox("email").count == 27)
        #expect(try plan(at: "2026-11-23T09:10:00+13:00").isEmpty)
    }
}
