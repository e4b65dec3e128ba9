import Foundation
import Testing
@testable import CrierCore

@Suite("Change trigger")
struct ChangeTriggerTests {
    static func schedule(on: String = "[enter, leave, change]", watch: String = "[status]", baseline: String = "silent") -> String {
        """
        cron: "*/10 * * * *"
        channel: sms
        template: ticket
        trigger:
          change: { on: \(on), watch: \(watch), baseline: \(baseline) }
        query: |
          SELECT ticket AS key, phone AS recipient, status, title FROM tickets
        """
    }
    static let template = """
        {{event}} {{key}} {{status}}{{#changes}} [{{column}}: {{old}} -> {{new}}]{{/changes}}
        """

    let columns = ["key", "recipient", "status", "title"]
    var time = Fixture.date("2026-11-23T09:00:00+13:00")

    func row(_ key: String, _ phone: String, _ status: String, _ title: String = "T") -> [SQLValue] {
        [.text(key), .text(phone), .text(status), .text(title)]
    }

    mutating func step(_ rows: [[SQLValue]], ledger: inout MemoryLedgerView, schedule: String = ChangeTriggerTests.schedule()) throws -> [String] {
        let (repository, diagnostics) = Fixture.repository(schedules: ["schedules/tickets.yaml": schedule],
                                                           templates: ["templates/ticket.sms.mustache": Self.template])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        var collector = DiagnosticCollector()
        let plan = Planner(repository: try #require(repository), at: time, snapshotSHA256: "")
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: ledger, into: &collector)
        #expect(collector.diagnostics.isEmpty, "\(collector.diagnostics)")
        ledger.apply(plan)
        time = time.addingTimeInterval(600)
        return plan.items.map { "\($0.recipient) \($0.body ?? $0.reason ?? "")" }
    }

    @Test mutating func baselineIsSilentThenEnterChangeLeaveAndReenter() throws {
        var ledger = MemoryLedgerView()
        #expect(try step([row("T1", "0211111111", "New")], ledger: &ledger) == [])
        #expect(try step([row("T1", "0211111111", "New")], ledger: &ledger) == [], "unchanged snapshot notifies nothing")
        #expect(try step([row("T1", "0211111111", "New"), row("T2", "0212222222", "New")], ledger: &ledger)
            == ["+64212222222 enter T2 New"])
        // A title edit is not watched; a status edit is.
        #expect(try step([row("T1", "0211111111", "New", "other"), row("T2", "0212222222", "New")], ledger: &ledger) == [])
        #expect(try step([row("T1", "0211111111", "Completed", "other"), row("T2", "0212222222", "New")], ledger: &ledger)
            == ["+64211111111 change T1 Completed [status: New -> Completed]"])
        // T2 leaves: the message renders from its last seen row.
        #expect(try step([row("T1", "0211111111", "Completed", "other")], ledger: &ledger) == ["+64212222222 leave T2 New"])
        #expect(try step([row("T1", "0211111111", "Completed", "other"), row("T2", "0212222222", "Reopened")], ledger: &ledger)
            == ["+64212222222 enter T2 Reopened"])
    }

    @Test mutating func everyRecipientOfAKeyIsNotified() throws {
        var ledger = MemoryLedgerView()
        _ = try step([], ledger: &ledger, schedule: Self.schedule(on: "[enter]"))
        let sent = try step([row("T9", "0211111111", "New"), row("T9", "0213333333", "New"), row("T9", "021 111 1111", "New")],
                            ledger: &ledger, schedule: Self.schedule(on: "[enter]"))
        #expect(sent == ["+64211111111 enter T9 New", "+64213333333 enter T9 New"])
    }

    @Test mutating func editingTheQueryOrWatchReBaselinesSilently() throws {
        var ledger = MemoryLedgerView()
        _ = try step([row("T1", "0211111111", "New")], ledger: &ledger)
        let edited = Self.schedule(watch: "[status, title]")
        #expect(try step([row("T1", "0211111111", "Done"), row("T2", "0212222222", "New")], ledger: &ledger, schedule: edited) == [])
        #expect(try step([row("T1", "0211111111", "Done", "x")], ledger: &ledger, schedule: edited)
            == ["+64211111111 change T1 Done [title: T -> x]", "+64212222222 leave T2 New"])
    }

    @Test mutating func baselineSendNotifiesTheFirstResult() throws {
        var ledger = MemoryLedgerView()
        #expect(try step([row("T1", "0211111111", "New")], ledger: &ledger, schedule: Self.schedule(baseline: "send"))
            == ["+64211111111 enter T1 New"])
    }

    @Test func rowsRoundTripThroughTheirJSON() {
        let row = Row(["key": .text("T1"), "n": .integer(42), "none": .null, "name": .text("Ngāire \"Ngā\"")])
        let decoded = ChangeEvaluator.decode(ChangeEvaluator.encode([row]))
        #expect(decoded.count == 1)
        #expect(decoded[0]["key"] == .text("T1"))
        #expect(decoded[0]["n"] == .integer(42))
        #expect(decoded[0]["none"] == .null)
        #expect(decoded[0]["name"] == .text("Ngāire \"Ngā\""))
    }

    @Test func onIsAPlainKeyNotABoolean() {
        let (repository, diagnostics) = Fixture.repository(schedules: ["schedules/tickets.yaml": Self.schedule(on: "[enter]")],
                                                           templates: ["templates/ticket.sms.mustache": Self.template])
        #expect(diagnostics.isEmpty)
        #expect(repository?.schedules.first?.trigger == .change(ChangeTrigger(on: [.enter], watch: ["status"], baselineSends: false)))
    }
}
