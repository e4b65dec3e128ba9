import CrierCore
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

/// Opening a ledger file: reading commands never migrate, lock or create it.
@Suite("Ledger file: read-only opening and migration")
struct LedgerFileTests {
    let path = NSTemporaryDirectory() + "crier-ledgerfile-\(UUID().uuidString)/ledger.sqlite"

    /// A ledger migrated only up to `migration`, as an older crier left it (WAL mode).
    func olderLedger(upTo migration: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try LedgerSchema.migrator.migrate(queue, upTo: migration)
        try queue.close()
    }

    @Test func anOlderLedgerIsRefusedForReadingAndLeftByteForByte() throws {
        try olderLedger(upTo: "v3-opt-outs")
        let before = try #require(FileManager.default.contents(atPath: path))
        #expect(throws: LedgerError.olderSchema(location: path)) { _ = try LedgerFile(path: path).openForReading() }
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(LedgerError.olderSchema(location: path).diagnostic.description
            == "\(path): error: the ledger was written by an older crier and needs migrating; this command only reads it. Run `crier run` to migrate it (under the run lock), then try again")
    }

    @Test func aRunMigratesAnOlderLedgerUnderTheLockAndKeepsItsRows() throws {
        try olderLedger(upTo: "v4-change-state-split")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO change_definitions (schedule, definition, recorded_at) VALUES ('s', 'd', 'x')")
        }
        try queue.close()
        let ledger = try LedgerFile(path: path).openForRun()
        #expect(try ledger.changeDefinition(schedule: "s") == "d")
        #expect(try ledger.changeGeneration(schedule: "s") == 0)
        #expect(try LedgerFile(path: path).openForReading() != nil, "current now")
    }

    @Test func theLeanDeliveryMigrationKeepsMessagesAndWhatWasHandedOver() throws {
        try olderLedger(upTo: "v5-change-generation")
        let queue = try DatabaseQueue(path: path)
        let item = PlanItem(id: "i1", schedule: "s", slot: Slot(text: "2026-01-01T00:00:00Z")!, key: "J1", occurrence: "2026-01-02",
                            channel: .sms, recipient: "+64211234567", action: .send, content: .sms(SMSContent(body: "Hi Aroha", segments: 1, encoding: "GSM-7")))
        let payload = item.json.compact()
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (command, at, started_at, pid) VALUES ('run', 'x', 'x', 1)")
            for (id, state) in [("i1", "sending"), ("i2", "sending"), ("i3", "pending")] {
                try db.execute(sql: """
                    INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, payload, run_id, claimed_by, created_at, updated_at)
                    VALUES (?, 's', 'x', 'J1', 'o', 'sms', '+64211234567', ?, ?, 1, 1, 'x', 'x')
                    """, arguments: [id, state, payload.replacingOccurrences(of: "\"i1\"", with: "\"\(id)\"")])
            }
            // i1 was handed over after its last claim; i2 was handed over in an earlier attempt only.
            for (id, state) in [("i1", "sending"), ("i1", "handed-over"), ("i2", "handed-over"), ("i2", "sending")] {
                try db.execute(sql: "INSERT INTO item_events (item_id, run_id, at, state) VALUES (?, 1, 'x', ?)", arguments: [id, state])
            }
        }
        try queue.close()
        let ledger = try LedgerFile(path: path).openForRun()
        let orphans = try ledger.orphanedSending()
        #expect(orphans.map(\.item.id) == ["i1", "i2"])
        #expect(orphans.map(\.handedOver) == [true, false])
        #expect(orphans.first?.item.content?.body == "Hi Aroha")
        #expect(try ledger.pending().map(\.item.id) == ["i3"])
    }

    @Test func theCompactDeliveryMigrationKeepsTextPayloadsAndStoresNewOnesCompressed() throws {
        try olderLedger(upTo: "v7-item-event-at")
        let queue = try DatabaseQueue(path: path)
        let slot = Slot(text: "2026-01-01T00:00:00Z")!
        func item(_ id: String, _ body: String) -> PlanItem {
            PlanItem(id: id, schedule: "s", slot: slot, key: id, occurrence: "2026-01-02", channel: .sms, recipient: "+64211234567",
                     action: .send, content: .sms(SMSContent(body: body, segments: 1, encoding: "GSM-7")))
        }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO runs (command, at, started_at, pid) VALUES ('run', 'x', 'x', 1)")
            for (id, state) in [("i1", "pending"), ("i2", "sending"), ("i3", "sent")] {
                try db.execute(sql: """
                    INSERT INTO items (id, schedule, slot, key, occurrence, channel, recipient, state, run_id, claimed_by, created_at, updated_at)
                    VALUES (?, 's', 'x', ?, 'o', 'sms', '+64211234567', ?, 1, 1, '2000-01-01T00:00:00Z', 'x')
                    """, arguments: [id, id, state])
                try db.execute(sql: "INSERT INTO item_payloads (id, payload) VALUES (?, ?)", arguments: [id, item(id, "Hi \(id)").json.compact()])
            }
        }
        try queue.close()
        let ledger = try LedgerFile(path: path).openForRun()
        #expect(try ledger.pending().map(\.item.content?.body) == ["Hi i1"])
        #expect(try ledger.orphanedSending().map(\.item.content?.body) == ["Hi i2"])
        let run = try ledger.beginRun(command: "run", at: Date(), clock: Date())
        let plan = Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s",
                        schedules: [SlotDecision(schedule: "s", slot: "2026-01-02T00:00:00Z", status: .due)], items: [item("i4", "Kia ora")])
        #expect(try ledger.record(plan, runID: run, at: Date()).pending == 1)
        #expect(try ledger.pending().map(\.item.content?.body) == ["Hi i1", "Kia ora"])
        try DatabaseQueue(path: path).read { db in
            #expect(try String.fetchAll(db, sql: "SELECT typeof(payload) FROM item_payloads ORDER BY id") == ["text", "text", "text", "blob"])
            let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' AND name LIKE 'items_%' ORDER BY name")
            #expect(indexes == ["items_open", "items_quiet", "items_recipient", "items_schedule_key", "items_sent"])
        }
    }

    @Test func aLedgerOfANewerCrierIsRefusedByEveryOpening() throws {
        _ = try LedgerFile(path: path).openForRun()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        let newer = LedgerError.newerSchema(location: path)
        #expect(throws: newer) { _ = try LedgerFile(path: path).openForReading() }
        #expect(throws: newer) { _ = try LedgerFile(path: path).openForRun() }
        #expect(throws: newer) { _ = try LedgerFile(path: path).openForWriting() }
    }

    @Test func readingAFileThatIsNoLedgerSaysSoWithTheFile() throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: LedgerError.self) { _ = try LedgerFile(path: path).openForReading() }
        guard case .cannotOpen(let location, let reason)? = error else {
            Issue.record("got \(String(describing: error))")
            return
        }
        #expect(location == path)
        #expect(reason.contains("not a database"), "\(reason)")
    }
}
