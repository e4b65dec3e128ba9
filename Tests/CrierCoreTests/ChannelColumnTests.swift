import Foundation
import Testing
@testable import CrierCore

@Suite("A query's channel column")
struct ChannelColumnTests {
    let columns = ["key", "starts_at", "recipient", "name", "channel"]
    let slotTime = Fixture.date("2026-11-23T17:00:00+13:00")
    static let emailTemplate = """
        ---
        subject: "Reminder for job {{key}}"
        ---
        Kia ora {{name}}, see you {{at.weekday}} at {{at.time}}.
        """

    func plan(rows: [[SQLValue]], templates: [String: String]) throws -> (Plan, [Diagnostic]) {
        let schedule = Fixture.reminderSchedule.replacingOccurrences(of: "recipient, name FROM", with: "recipient, name, channel FROM")
        let (repository, loadDiagnostics) = Fixture.repository(schedules: ["schedules/reminder.yaml": schedule], templates: templates)
        #expect(loadDiagnostics.isEmpty, "\(loadDiagnostics)")
        var collector = DiagnosticCollector()
        let planner = Planner(repository: try #require(repository), at: slotTime, snapshotSHA256: "snap")
        return (planner.plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector),
                collector.diagnostics)
    }

    @Test func eachRowChoosesItsChannelAndNullMeansTheSchedules() throws {
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Tāne"), .null],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("Mere@Example.org"), .text("Mere"), .text(" Email ")],
            [.text("J3"), .text("2026-11-24T01:30:00Z"), .text("027 765 4321"), .text("Aroha"), .text("sms")],
            [.text("J4"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Wiremu"), .text("fax")],
            [.text("J5"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Hemi"), .text("email")],
        ]
        let (plan, diagnostics) = try plan(rows: rows, templates: [
            "templates/reminder.sms.mustache": Fixture.reminderTemplate,
            "templates/reminder.email.mustache": Self.emailTemplate,
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(plan.items.map(\.channel) == [.sms, .email, .sms, .sms, .email])
        #expect(plan.items.map(\.recipient) == ["+64211234567", "Mere@example.org", "+64277654321", "021 123 4567", "021 123 4567"])
        #expect(plan.items.map { $0.reason?.description ?? "send" } == ["send", "send", "send", "invalid-channel", "invalid-address"])
        #expect(plan.items[1].content?.email?.subject == "Reminder for job J2")
        #expect(plan.items[1].content?.body == "Kia ora Mere, see you Tuesday at 14:30.")
        #expect(plan.items[1].id == PlanItem.id(schedule: "reminder", key: "J2", occurrence: "2026-11-24", channel: .email,
                                                recipient: "Mere@example.org"))
    }

    @Test func aChannelColumnNeedsATemplateForEachChannel() throws {
        let (plan, diagnostics) = try plan(rows: [], templates: ["templates/reminder.sms.mustache": Fixture.reminderTemplate])
        #expect(plan.schedules.first?.status == .invalid)
        #expect(diagnostics.map(\.message) == [
            "schedule \"reminder\": the query returns a `channel` column, so rows may choose email, but there is no templates/reminder.email.mustache",
        ])
        #expect(diagnostics.first?.location?.line == 7)
    }

    @Test func quietHoursHoldTheSMSRowsOfAnEmailSchedule() throws {
        let schedule = Fixture.reminderSchedule
            .replacingOccurrences(of: "channel: sms", with: "channel: email")
            .replacingOccurrences(of: "recipient, name FROM", with: "recipient, name, channel FROM")
        let config = Fixture.crierYAML + "\nquiet_hours: \"16:00-08:00\"\n"
        let (repository, loadDiagnostics) = Fixture.repository(config: config, schedules: ["schedules/reminder.yaml": schedule], templates: [
            "templates/reminder.sms.mustache": Fixture.reminderTemplate, "templates/reminder.email.mustache": Self.emailTemplate,
        ])
        #expect(loadDiagnostics.isEmpty, "\(loadDiagnostics)")
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("021 123 4567"), .text("Tāne"), .text("sms")],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("mere@example.org"), .text("Mere"), .null],
        ]
        var collector = DiagnosticCollector()
        let plan = Planner(repository: try #require(repository), at: slotTime, snapshotSHA256: "snap")
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector)
        #expect(plan.items.map(\.channel) == [.sms, .email])
        #expect(plan.items.map { $0.reason?.description ?? "send" } == ["quiet-hours", "send"])
    }
}
