import Foundation
import Testing
@testable import CrierCore

@Suite("Time columns and the slot in templates")
struct TimeColumnsTests {
    let columns = ["key", "starts_at", "recipient", "name", "pickup_at"]
    let slotTime = Fixture.date("2026-11-23T17:00:00+13:00")

    func plan(schedule: String, template: String, rows: [[SQLValue]]) throws -> (Plan, [Diagnostic]) {
        let (repository, loadDiagnostics) = Fixture.repository(schedules: ["schedules/reminder.yaml": schedule],
                                                                templates: ["templates/reminder.sms.mustache": template])
        #expect(loadDiagnostics.isEmpty, "\(loadDiagnostics)")
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: slotTime, snapshotSHA256: "snap")
        return (planner.plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector),
                collector.diagnostics)
    }

    static let schedule = Fixture.reminderSchedule
        .replacingOccurrences(of: "recipient, name FROM", with: "recipient, name, pickup_at FROM") + "\ntimes: [pickup_at]\n"

    @Test func listedColumnsAndTheSlotRenderInTheScheduleZone() throws {
        let template = "Pickup {{pickup_at.weekday}} {{pickup_at.time12}} ({{pickup_at.dmy}}); sent {{slot.date}} {{slot.time}}\n"
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Tāne"), .text("2026-11-24T20:15:00Z")],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("021 555 0199"), .text("Mere"), .null],
            [.text("J3"), .text("2026-11-24T01:30:00Z"), .text("027 765 4321"), .text("Aroha"), .text("next tuesday")],
            [.text("J4"), .text("2026-11-24T01:30:00Z"), .text("027 765 4322"), .text("Hemi"), .integer(1_795_474_800)],
        ]
        let (plan, diagnostics) = try plan(schedule: Self.schedule, template: template, rows: rows)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(plan.items.map { $0.reason?.description ?? "send" } == ["send", "missing-variable: pickup_at", "invalid-time: pickup_at", "send"])
        #expect(plan.items[0].content?.body == "Pickup Wednesday 9:15am (25/11/2026); sent 2026-11-23 17:00")
        #expect(plan.items[3].content?.body == "Pickup Tuesday 12:00pm (24/11/2026); sent 2026-11-23 17:00")
    }

    @Test func aTimeColumnThatMayBeNullIsShownInASectionWithItsFieldsNamedEitherWay() throws {
        let template = "{{#pickup_at}}Pickup {{pickup_at.time12}} ({{weekday}}) for {{name}}{{/pickup_at}}{{^pickup_at}}No pickup for {{name}}{{/pickup_at}}"
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Tāne"), .text("2026-11-24T20:15:00Z")],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("021 555 0199"), .text("Mere"), .null],
        ]
        let (sent, diagnostics) = try plan(schedule: Self.schedule, template: template, rows: rows)
        #expect(diagnostics.isEmpty, "inside {{#pickup_at}}, {{pickup_at.time12}} and {{name}} are no fields of pickup_at: \(diagnostics)")
        #expect(sent.items.map { $0.content?.body ?? "" } == ["Pickup 9:15am (Wednesday) for Tāne", "No pickup for Mere"])
        let (_, wrong) = try plan(schedule: Self.schedule, template: "{{#pickup_at}}{{pickup_at.tme}} {{nmae}}{{/pickup_at}}", rows: [])
        #expect(wrong.map(\.message) == [
            "template variable {{pickup_at.tme}} is no column of schedule \"reminder\"'s query",
            "template variable {{nmae}} is no column of schedule \"reminder\"'s query",
        ], "a field that does not exist is still reported, and a misspelt column by its own name")
    }

    @Test func aTimeFieldThatDoesNotExistIsAValidateError() throws {
        let (plan, diagnostics) = try plan(schedule: Self.schedule, template: "{{pickup_at.tme}} {{slot.weekdy}}", rows: [])
        #expect(plan.schedules.first?.status == .invalid)
        #expect(diagnostics.map(\.message) == [
            "template variable {{pickup_at.tme}} is no column of schedule \"reminder\"'s query",
            "template variable {{slot.weekdy}} is no column of schedule \"reminder\"'s query",
        ])
        #expect(diagnostics.first?.hint?.hasPrefix("Fields of {{pickup_at}}: iso, date") == true)
    }

    @Test func timesMustNameColumnsOfTheQuery() throws {
        let schedule = Fixture.reminderSchedule + "\ntimes: [pickup]\n"
        let (plan, diagnostics) = try plan(schedule: schedule, template: Fixture.reminderTemplate, rows: [])
        #expect(plan.schedules.first?.status == .invalid)
        #expect(diagnostics.map(\.message) == ["schedule \"reminder\": \"times\" lists \"pickup\", which is no column of the query"])
        #expect(diagnostics.first?.hint == "Valid: key, starts_at, recipient, name, pickup_at.")
    }

    @Test func atInAChangeTriggersTemplateIsAValidateError() throws {
        let schedule = """
            cron: "*/5 * * * *"
            channel: sms
            template: reminder
            trigger:
              change: { on: [enter] }
            query: SELECT key, recipient, name, starts_at, pickup_at FROM dispatches
            """
        let (plan, diagnostics) = try plan(schedule: schedule, template: "Hi {{name}}, pickup {{at.time}}", rows: [])
        #expect(plan.schedules.first?.status == .invalid)
        #expect(diagnostics.map(\.message) == ["template variable {{at.time}}: schedule \"reminder\"'s change trigger has no {{at}} time"])
        #expect(diagnostics.first?.hint == "Use {{slot.*}} for the run's time, or list the column under `times:` and write {{COLUMN.time}}")
        #expect(diagnostics.first?.location?.file == "templates/reminder.sms.mustache")
    }

    @Test func atInAnOverdueTriggersTemplateNamesItsOwnTime() throws {
        let schedule = """
            cron: "0 * * * *"
            channel: sms
            template: reminder
            trigger:
              overdue: { since: starts_at, after: 2 days }
            query: SELECT key, recipient, name, starts_at, pickup_at FROM jobs
            """
        let (_, diagnostics) = try plan(schedule: schedule, template: "Job {{key}} open since {{at.date}}", rows: [])
        #expect(diagnostics.map(\.message) == ["template variable {{at.date}}: schedule \"reminder\"'s overdue trigger has no {{at}} time"])
        #expect(diagnostics.first?.hint?.hasSuffix("; this trigger's own time is {{since.*}}") == true)
    }
}
