import Foundation
import Testing
@testable import CrierCore

@Suite("Planner with the upcoming trigger")
struct PlannerTests {
    let columns = ["key", "starts_at", "recipient", "name"]
    let slotTime = Fixture.date("2026-11-23T17:00:00+13:00")

    func plan(rows: [[SQLValue]], at: Date? = nil, ledger: MemoryLedgerView = MemoryLedgerView(),
              templates: [String: String]? = nil) throws -> (Plan, [Diagnostic], MemoryRows) {
        let (repository, loadDiagnostics) = Fixture.repository(templates: templates ?? ["templates/reminder.sms.mustache": Fixture.reminderTemplate])
        #expect(loadDiagnostics.isEmpty, "\(loadDiagnostics)")
        let source = MemoryRows(columns: columns, rows: rows)
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: at ?? slotTime, snapshotSHA256: "snap")
        return (planner.plan(rows: source, ledger: ledger, into: &collector), collector.diagnostics, source)
    }

    @Test func windowIsTomorrowInTheScheduleZoneAndParametersAreBound() throws {
        let (plan, diagnostics, source) = try plan(rows: [])
        #expect(diagnostics.isEmpty)
        #expect(plan.schedules == [SlotDecision(schedule: "reminder", slot: "2026-11-23T04:00:00Z", status: .due,
                                                windowStart: "2026-11-23T11:00:00Z", windowEnd: "2026-11-24T11:00:00Z",
                                                occurrence: "2026-11-24", rows: 0)])
        #expect(source.boundParameters == ["window_start": .text("2026-11-23T11:00:00Z"), "window_end": .text("2026-11-24T11:00:00Z")])
    }

    @Test func rowsAreRecheckedDedupedAndRendered() throws {
        let rows: [[SQLValue]] = [
            [.text("J2"), .text("2026-11-24T21:00:00Z"), .text("021 123 4567"), .text("Mere")],    // 10:00 NZDT on the 25th: outside
            [.text("J1"), .text("2026-11-24T20:30:00Z"), .text("021 123 4567"), .text("Tāne")],    // 09:30 NZDT on the 25th: outside
            [.text("J3"), .text("2026-11-24T01:30:00Z"), .text("+64 21 555 0199"), .text("Aroha")], // 14:30 on the 24th: inside
            [.text("J3"), .text("2026-11-24T03:30:00Z"), .text("0215550199"), .text("Aroha again")], // same job, same number: first wins
            [.text("J3"), .text("2026-11-24T03:30:00Z"), .text("027 765 4321"), .text("Wiremu")],   // same job, other number: its own item
            [.integer(17), .integer(1_795_474_800), .text("09 123 4567"), .text("Landline")],        // 2026-11-23T23:00Z = 12:00 local on the 24th: inside, bad number
        ]
        let (plan, diagnostics, _) = try plan(rows: rows)
        #expect(diagnostics.isEmpty)
        #expect(plan.items.map(\.key) == ["17", "J3", "J3"])
        #expect(plan.items.map(\.recipient) == ["09 123 4567", "+64215550199", "+64277654321"])
        #expect(plan.items.map(\.action) == [.skip, .send, .send])
        #expect(plan.items[0].reason?.description == "invalid-address")
        #expect(plan.items[1].content?.body == "Hi Aroha, see you Tuesday at 14:30 (job J3).")
        #expect(plan.items[1].content?.sms?.segments == 1)
        #expect(plan.items[1].content?.sms?.encoding == "GSM-7")
        #expect(plan.items[1].occurrence == "2026-11-24")
        #expect(plan.items[1].id == PlanItem.id(schedule: "reminder", key: "J3", occurrence: "2026-11-24", channel: .sms, recipient: "+64215550199"))
        #expect(plan.schedules.first?.rows == 6)
    }

    @Test func nullVariableSkipsWithItsName() throws {
        let (plan, _, _) = try plan(rows: [[.text("J1"), .text("2026-11-24T01:30:00Z"), .text("0211234567"), .null]])
        #expect(plan.items.first?.action == .skip)
        #expect(plan.items.first?.reason?.description == "missing-variable: name")
        #expect(plan.items.first?.content?.body == nil)
    }

    @Test func nullInASectionIsFalseNotMissing() throws {
        let template = "Hi{{#name}} {{name}}{{/name}}, see you at {{at.time}}."
        let (plan, _, _) = try plan(rows: [[.text("J1"), .text("2026-11-24T01:30:00Z"), .text("0211234567"), .null]],
                                    templates: ["templates/reminder.sms.mustache": template])
        #expect(plan.items.first?.action == .send)
        #expect(plan.items.first?.content?.body == "Hi, see you at 14:30.")
    }

    @Test func tooLongAndUCS2() throws {
        let long = String(repeating: "x", count: 150)
        let (plan, _, _) = try plan(rows: [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("0211234567"), .text(long)],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("0211234568"), .text("Ngāire")],
        ])
        #expect(plan.items.map(\.reason?.description) == ["too-long", nil])
        #expect(plan.items[0].content?.sms?.segments == 2)
        #expect(plan.items[0].content?.body.hasPrefix("Hi xxx") == true)
        #expect(plan.items[1].content?.sms?.encoding == "UCS-2")
    }

    @Test func unreadableTimeIsSkippedWithTheColumn() throws {
        let (plan, _, _) = try plan(rows: [[.text("J1"), .text("next Tuesday"), .text("0211234567"), .text("A")]])
        #expect(plan.items.map(\.reason?.description) == ["invalid-time: starts_at"])
    }

    @Test func ledgerStatesBecomeSkipReasons() throws {
        let rows: [[SQLValue]] = ["0211111111", "0212222222", "0213333333", "0214444444"].enumerated().map { index, number in
            [.text("J\(index)"), .text("2026-11-24T01:30:00Z"), .text(number), .text("N")]
        }
        func id(_ key: String, _ number: String) -> String {
            PlanItem.id(schedule: "reminder", key: key, occurrence: "2026-11-24", channel: .sms, recipient: number)
        }
        let ledger = MemoryLedgerView(items: [id("J0", "+64211111111"): .sent, id("J1", "+64212222222"): .pending,
                                              id("J2", "+64213333333"): .failed, id("J3", "+64214444444"): .skipped])
        let (plan, _, _) = try plan(rows: rows, ledger: ledger)
        #expect(plan.items.map(\.reason?.description) == ["already-sent", "already-planned", "failed-earlier", nil])
    }

    @Test func slotAlreadyRunOrMissedRunsNothing() throws {
        let rows: [[SQLValue]] = [[.text("J1"), .text("2026-11-24T01:30:00Z"), .text("0211234567"), .text("A")]]
        let ran = MemoryLedgerView(slots: ["reminder@2026-11-23T04:00:00Z": .ran])
        let (again, _, _) = try plan(rows: rows, ledger: ran)
        #expect(again.schedules.map(\.status) == [.alreadyRun])
        #expect(again.items.isEmpty)

        let late = try plan(rows: rows, at: Fixture.date("2026-11-23T22:59:59+13:00")).0
        #expect(late.schedules.map(\.status) == [.due])
        let tooLate = try plan(rows: rows, at: Fixture.date("2026-11-23T23:00:01+13:00")).0
        #expect(tooLate.schedules.map(\.status) == [.missed])
        #expect(tooLate.items.isEmpty)
    }

    @Test func samePlanSameBytes() throws {
        let rows: [[SQLValue]] = (0..<50).map { n in
            [.text("J\(50 - n)"), .text("2026-11-24T0\(n % 10):00:00Z"), .text("021 000 \(1000 + n)"), .text("Client \(n)")]
        }
        let first = try plan(rows: rows).0.json.rendered()
        let second = try plan(rows: rows.reversed()).0.json.rendered()
        #expect(first == second)
        #expect(first.hasPrefix("{\n  \"crier_plan\": 1,\n  \"at\": \"2026-11-23T04:00:00Z\",\n"))
    }

    @Test func streamedJSONIsTheRenderedJSONInPieces() throws {
        let rows: [[SQLValue]] = (0..<40).map { n in
            [.text("J\(n)"), .text("2026-11-24T0\(n % 10):00:00Z"), .text("021 000 \(1000 + n)"), .text("Client \"\(n)\"\n")]
        }
        let (full, _, _) = try plan(rows: rows)
        var empty = full
        empty.items = []
        for plan in [full, empty] {
            let whole = Array(plan.json.rendered().utf8)
            for chunk in [1, 100, 1 << 16] {
                var pieces: [[UInt8]] = []
                plan.writeJSON(chunk: chunk) { pieces.append($0) }
                #expect(Array(pieces.joined()) == whole, "chunk \(chunk), \(plan.items.count) items")
                // Items are handed over as they are written: more than one piece for a small chunk.
                #expect(plan.items.isEmpty || chunk == 1 << 16 || pieces.count > 1)
            }
        }
        #expect(full.items.count == 40)
        #expect(String(decoding: Array(full.json.rendered().utf8), as: UTF8.self).contains("\"items\": [\n    {\n      \"id\""))
        #expect(empty.json.rendered().contains("\"items\": []"))
    }

    @Test func slotRecordsAreTheDueAndMissedSlots() {
        let plan = Plan(at: Date(timeIntervalSince1970: 0), configSHA256: "c", snapshotSHA256: "s", schedules: [
            SlotDecision(schedule: "a", slot: "2026-11-23T04:00:00Z", status: .due),
            SlotDecision(schedule: "b", slot: "2026-11-22T04:00:00Z", status: .missed),
            SlotDecision(schedule: "c", slot: "2026-11-23T04:00:00Z", status: .alreadyRun),
            SlotDecision(schedule: "d", status: .invalid),
            SlotDecision(schedule: "e", slot: "2026-11-23T04:00:00Z", status: .failed),
        ], items: [])
        #expect(plan.slotRecords.map { "\($0.slot) \($0.status.rawValue)" }
            == ["\(ScheduleSlot(schedule: "a", slot: "2026-11-23T04:00:00Z")) ran", "\(ScheduleSlot(schedule: "b", slot: "2026-11-22T04:00:00Z")) missed"])
    }

    @Test func itemsAreOrderedByKeyNumbersFirst() {
        let keys = ["J10", "9", "J2", "10", "A"]
        let items = keys.map { key in
            PlanItem(id: key, schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: key, occurrence: "", channel: .sms, recipient: "", action: .send)
        }
        #expect(items.sorted(by: Plan.order).map(\.key) == ["9", "10", "A", "J10", "J2"])
    }

    @Test func templateVariableThatIsNoColumnMakesTheScheduleInvalid() throws {
        let (plan, diagnostics, _) = try plan(rows: [], templates: ["templates/reminder.sms.mustache": "Hi {{nmae}} {{at.tme}}"])
        #expect(plan.schedules.map(\.status) == [.invalid])
        #expect(diagnostics.map(\.message) == [
            "template variable {{nmae}} is no column of schedule \"reminder\"'s query",
            "template variable {{at.tme}} is no column of schedule \"reminder\"'s query",
        ])
        #expect(diagnostics.first?.hint == "Did you mean {{name}}?")
        #expect(diagnostics.map(\.location) == [FileLocation(file: "templates/reminder.sms.mustache", line: 1, column: 6),
                                                 FileLocation(file: "templates/reminder.sms.mustache", line: 1, column: 15)],
                "each at its own name inside the {{ }}")
        #expect(diagnostics.first?.sourceLine == "Hi {{nmae}} {{at.tme}}")
    }

    @Test func todayIntervalOnlyTakesFutureStarts() throws {
        let schedule = Fixture.reminderSchedule.replacingOccurrences(of: "1 day", with: "today")
            .replacingOccurrences(of: "\"0 17 * * *\"", with: "\"0 * * * *\"")
        let (repository, _) = Fixture.repository(schedules: ["schedules/reminder.yaml": schedule])
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-23T08:00:00+13:00"), .text("0211111111"), .text("A")], // at the slot: not future
            [.text("J2"), .text("2026-11-23T09:15:00+13:00"), .text("0212222222"), .text("B")],
            [.text("J3"), .text("2026-11-24T00:00:00+13:00"), .text("0213333333"), .text("C")], // tomorrow
        ]
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: Fixture.date("2026-11-23T08:20:00+13:00"), snapshotSHA256: "")
        let plan = planner.plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector)
        #expect(plan.items.map(\.key) == ["J2"])
        #expect(plan.items.first?.occurrence == "2026-11-23")
    }
}
