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
    static let query = "SELECT ticket AS key, phone AS recipient, status, title FROM tickets"
    static let template = """
        {{event}} {{key}} {{status}}{{#changes}} [{{column}}: {{old}} -> {{new}}]{{/changes}}
        """

    let columns = ["key", "recipient", "status", "title"]
    var time = Fixture.date("2026-11-23T09:00:00+13:00")

    func row(_ key: String, _ phone: String, _ status: String, _ title: String = "T") -> [SQLValue] {
        [.text(key), .text(phone), .text(status), .text(title)]
    }

    mutating func step(_ rows: [[SQLValue]], ledger: inout MemoryLedgerView, schedule: String = ChangeTriggerTests.schedule()) throws -> [String] {
        try plan(MemoryRows(columns: columns, rows: rows), ledger: &ledger, schedule: schedule)
            .items.map { "\($0.recipient) \($0.content?.body ?? $0.reason?.description ?? "")" }
    }

    /// Plans over `source`, records the plan in `ledger` and moves the clock to the next slot.
    mutating func plan(_ source: any PreparingRowSource, ledger: inout MemoryLedgerView,
                       schedule: String = ChangeTriggerTests.schedule()) throws -> Plan {
        let (repository, diagnostics) = Fixture.repository(schedules: ["schedules/tickets.yaml": schedule],
                                                           templates: ["templates/ticket.sms.mustache": Self.template])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        var collector = DiagnosticCollector()
        let plan = Planner(repository: try #require(repository), at: time, snapshotSHA256: "")
            .plan(rows: source, ledger: ledger, into: &collector)
        #expect(collector.diagnostics.isEmpty, "\(collector.diagnostics)")
        ledger.apply(plan)
        time = time.addingTimeInterval(600)
        return plan
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

    @Test mutating func aReBaselineForgetsTheKeysTheEditedQueryNoLongerReturns() throws {
        var ledger = MemoryLedgerView()
        _ = try step([row("T1", "0211111111", "New"), row("T2", "0212222222", "New")], ledger: &ledger)
        let edited = Self.schedule(watch: "[status, title]")
        #expect(try step([row("T1", "0211111111", "New")], ledger: &ledger, schedule: edited) == [])
        #expect(ledger.state["tickets"]?.keys.sorted() == ["T1"])
        #expect(try step([row("T1", "0211111111", "New")], ledger: &ledger, schedule: edited) == [],
                "T2 left under the old query: no leave message for it under the new one")
    }

    @Test mutating func aKeysRowsMayComeAnywhereInTheResult() throws {
        var ledger = MemoryLedgerView()
        _ = try step([row("T2", "0211111111", "New"), row("T1", "0213333333", "New"), row("T2", "0212222222", "New"),
                      row("T1", "0214444444", "New")], ledger: &ledger)
        // T2's rows change, apart and after a duplicate recipient; T1's only in an unwatched column.
        let sent = try step([row("T1", "0214444444", "New", "other"), row("T2", "0212222222", "Done"), row("T1", "0213333333", "New"),
                             row("T2", "021 111 1111", "Done"), row("T2", "0211111111", "Again")], ledger: &ledger)
        #expect(sent == ["+64211111111 change T2 Done [status: New -> Done]", "+64212222222 change T2 Done [status: New -> Done]"])
        #expect(try step([row("T2", "0212222222", "Done"), row("T1", "0214444444", "New"), row("T2", "0211111111", "Done"),
                          row("T1", "0213333333", "New")], ledger: &ledger) == [], "the same rows in another order")
    }

    @Test mutating func theOrderOfTheResultDoesNotMatter() throws {
        // Enough keys that the evaluator gives up guessing the next key on the shuffled result.
        func rows(_ step: Int) -> [[SQLValue]] {
            (0..<6000).flatMap { index -> [[SQLValue]] in
                if step > 0 && index % 97 == 1 { return [] }
                let status = step > 0 && index % 50 == 0 ? "Closed" : "New"
                let key = index % 31 == 0 ? "K\(index)" : "T\(index)"
                var rows = [[SQLValue.text(key), .text("02\(1_000_000 + index % 700)"), .text(status), .integer(Int64(index))]]
                if index % 3 == 0 { rows.append([.text(key), .text("02\(2_000_000 + index % 500)"), .text(status), .null]) }
                return rows
            } + (step > 0 ? [[.text("NEW"), .text("0211111111"), .text("New"), .text("n")]] : [])
        }
        var generator = SystemRandomNumberGenerator()
        var inOrder = MemoryLedgerView(), shuffled = MemoryLedgerView()
        let start = time
        var plans: [[Plan]] = [[], []]
        for step in 0..<3 {
            plans[0].append(try plan(MemoryRows(columns: columns, rows: rows(step)), ledger: &inOrder))
            time = time.addingTimeInterval(-600)
            plans[1].append(try plan(MemoryRows(columns: columns, rows: rows(step).shuffled(using: &generator)), ledger: &shuffled))
        }
        time = start
        // The last seen rows of a key are kept in result order: compare them as sets.
        func state(_ plan: Plan) -> [String] {
            plan.stateUpdates.map { update in
                let rows = ChangeRowsJSON.decode(update.rows).map { row in "\(zip(row.shape.names, row.values).map { "\($0)=\($1)" })" }
                return "\(update.key) \(update.fingerprint ?? "-") \(rows.sorted())"
            }
        }
        for (ordered, unordered) in zip(plans[0], plans[1]) {
            #expect(ordered.items == unordered.items)
            #expect(state(ordered) == state(unordered))
        }
        #expect(plans[0][1].items.filter { $0.occurrence.text.hasPrefix("change@") }.count == 158)
        #expect(plans[0][1].items.filter { $0.occurrence.text.hasPrefix("leave@") }.count == 82)
        #expect(plans[0][1].items.filter { $0.occurrence.text.hasPrefix("enter@") }.count == 1)
        #expect(plans[0][2].items.isEmpty)
    }

    @Test(arguments: [NarrowingRows.Behaviour.fails, .reordered, .integers])
    mutating func theSecondPassFallsBackWhenTheNarrowedQueryDisagrees(_ behaviour: NarrowingRows.Behaviour) throws {
        var ledger = MemoryLedgerView()
        let first = [row("T1", "0211111111", "New"), row("T2", "0212222222", "New"), row("T3", "0213333333", "New")]
        _ = try plan(NarrowingRows(columns: columns, rows: first, behaviour: behaviour), ledger: &ledger)
        // T2 has a duplicate recipient whose watched value differs: the first row counts.
        let second = [row("T1", "0211111111", "New"), row("T2", "0212222222", "Done"), row("T2", "021 222 2222", "Other"),
                      row("T3", "0213333333", "Done", "x")]
        let source = NarrowingRows(columns: columns, rows: second, behaviour: behaviour)
        let plan = try plan(source, ledger: &ledger)
        #expect(plan.items.map { "\($0.recipient) \($0.content?.body ?? "")" } == [
            "+64212222222 change T2 Done [status: New -> Done]", "+64213333333 change T3 Done [status: New -> Done]",
        ])
        #expect(source.calls.first == "columns key,recipient,status")
        #expect(source.calls.last == "query", "the query itself gives the rows")
        #expect(ledger.state["tickets"]?["T3"]?.rows.contains("\"title\":\"x\"") == true)
    }

    @Test mutating func theFirstPassReadsOnlyTheWatchedColumns() throws {
        var ledger = MemoryLedgerView()
        let first = [row("T1", "0211111111", "New"), row("T2", "0212222222", "New")]
        _ = try plan(NarrowingRows(columns: columns, rows: first, behaviour: .fails), ledger: &ledger)
        // T2 changes, T3 enters: both need their whole rows, from the narrowed second pass.
        let second = [row("T1", "0211111111", "New", "unwatched"), row("T2", "0212222222", "Done"), row("T3", "0213333333", "New")]
        for failsProjection in [false, true] {
            var copy = ledger
            let source = NarrowingRows(columns: columns, rows: second, behaviour: .reordered, failsProjection: failsProjection)
            let plan = try plan(source, ledger: &copy)
            time = time.addingTimeInterval(-600)
            #expect(plan.items.map { "\($0.recipient) \($0.content?.body ?? "")" } == [
                "+64212222222 change T2 Done [status: New -> Done]", "+64213333333 enter T3 New",
            ])
            // The whole first pass keeps the rows of T3, which entered.
            #expect(source.calls == (failsProjection ? ["columns key,recipient,status", "query", "keys value T2"]
                                                     : ["columns key,recipient,status", "keys value T2,T3"]))
            #expect(copy.state["tickets"]?["T3"]?.rows == #"[{"key":"T3","recipient":"0213333333","status":"New","title":"T"}]"#)
        }
        // Without `watch` every column counts: the first pass is the query itself.
        let everyColumn = Self.schedule().replacingOccurrences(of: ", watch: [status]", with: "")
        var other = MemoryLedgerView()
        _ = try plan(MemoryRows(columns: columns, rows: first), ledger: &other, schedule: everyColumn)
        let source = NarrowingRows(columns: columns, rows: second, behaviour: .reordered)
        #expect(try plan(source, ledger: &other, schedule: everyColumn).items.count == 3)
        #expect(source.calls.first == "query")
        #expect(source.calls.dropFirst().map { Set($0.split(separator: " ")[2].split(separator: ",")) } == [["T1", "T2"]],
                "then the rows of T1 and T2 narrowed: \(source.calls)")
    }

    @Test func rowsRoundTripThroughTheirJSON() {
        let row = Row(["key": .text("T1"), "n": .integer(42), "none": .null, "name": .text("Ngāire \"Ngā\"")])
        let decoded = ChangeRowsJSON.decode(ChangeRowsJSON.encode([row]))
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

/// Rows in memory whose narrowed second-pass queries misbehave in a chosen way.
final class NarrowingRows: PreparingRowSource {
    enum Behaviour: Sendable {
        /// The narrowed queries fail to run.
        case fails
        /// The narrowed queries return the rows in reverse order (duplicates pick other rows).
        case reordered
        /// The narrowed queries return only the rows whose key is a number (none here).
        case integers
    }

    let base: MemoryRows
    let behaviour: Behaviour
    let failsProjection: Bool
    /// The passes asked for: `query`, `columns ...` or `keys COMPARISON ...`.
    private(set) var calls: [String] = []

    init(columns: [String], rows: [[SQLValue]], behaviour: Behaviour, failsProjection: Bool = false) {
        base = MemoryRows(columns: columns, rows: rows)
        self.behaviour = behaviour
        self.failsProjection = failsProjection
    }

    func prepare(query: String) throws -> PreparedQuery { try base.prepare(query: query) }

    func forEachRow(query: String, parameters: [String: SQLValue], _ body: (Row) throws -> Void) throws {
        calls.append("query")
        try base.forEachRow(query: query, parameters: parameters, body)
    }

    func forEachRow(query: String, parameters: [String: SQLValue], columns: [String], _ body: (Row) throws -> Void) throws {
        calls.append("columns \(columns.joined(separator: ","))")
        if failsProjection { throw QueryError(message: "near \"(\": syntax error") }
        try base.forEachRow(query: query, parameters: parameters, columns: columns, body)
    }

    func forEachRow(query: String, parameters: [String: SQLValue], keys: [String], comparedAs comparison: KeyComparison,
                    _ body: (Row) throws -> Void) throws {
        calls.append("keys \(comparison) \(keys.joined(separator: ","))")
        switch behaviour {
        case .fails: throw QueryError(message: "no such function: json_each")
        case .reordered:
            let shape = RowShape(names: base.columns)
            for values in base.rows.reversed() { try body(Row(shape: shape, values: values)) }
        case .integers:
            try base.forEachRow(query: query, parameters: parameters) { row in
                if case .integer = row["key"] { try body(row) }
            }
        }
    }
}
