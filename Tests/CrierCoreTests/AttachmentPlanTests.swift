import Foundation
import Testing
@testable import CrierCore

@Suite("Attachments in the plan")
struct AttachmentPlanTests {
    let columns = ["key", "starts_at", "recipient", "name", "doc"]
    let slotTime = Fixture.date("2026-11-23T17:00:00+13:00")
    static let schedule = Fixture.reminderSchedule
        .replacingOccurrences(of: "channel: sms", with: "channel: email")
        .replacingOccurrences(of: "recipient, name FROM", with: "recipient, name, doc FROM")
    static let email = """
        ---
        subject: "Job {{key}}"
        attachments:
          - pdf: job-sheet
            filename: "Job {{key}}.pdf"
          - file: "{{doc}}"
        ---
        Kia ora {{name}}.
        """
    static let sheet = "<b>Job {{key}}</b>\nClient: {{name}}\n"

    func load(config: String = Fixture.crierYAML + "\nattachments_dir: attachments\n",
              templates: [String: String] = ["templates/reminder.email.mustache": email, "templates/job-sheet.pdf.mustache": sheet])
        -> (ConfigRepository?, [Diagnostic]) {
        Fixture.repository(config: config, schedules: ["schedules/reminder.yaml": Self.schedule], templates: templates)
    }

    @Test func thePlanCarriesEscapedMarkupAndFilePaths() throws {
        let (repository, diagnostics) = load()
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let rows: [[SQLValue]] = [
            [.text("J1"), .text("2026-11-24T01:30:00Z"), .text("a@example.org"), .text("Tāne & <Sons>"), .text("sheets/J1.pdf")],
            [.text("J2"), .text("2026-11-24T01:30:00Z"), .text("b@example.org"), .text("Mere"), .text("../../etc/passwd")],
            [.text("J3"), .text("2026-11-24T01:30:00Z"), .text("c@example.org"), .text("Hemi"), .null],
        ]
        var collector = DiagnosticCollector()
        let plan = Planner(repository: try #require(repository), at: slotTime, snapshotSHA256: "snap")
            .plan(rows: MemoryRows(columns: columns, rows: rows), ledger: MemoryLedgerView(), into: &collector)
        #expect(plan.items.map { $0.reason?.description ?? "send" } == ["send", "invalid-attachment", "missing-variable: doc"])
        #expect(plan.items[0].content?.email?.attachments == [
            PlannedAttachment(filename: "Job J1.pdf", pdf: "job-sheet", markup: "<b>Job J1</b>\nClient: Tāne &amp; &lt;Sons&gt;\n"),
            PlannedAttachment(filename: "J1.pdf", file: "sheets/J1.pdf"),
        ])
        let json = plan.items[0].json.rendered()
        #expect(json.contains("\"attachments\": ["))
        #expect(json.contains("\"filename\": \"Job J1.pdf\""))
    }

    @Test func anUnknownPDFTemplateIsNamedWhereTheAttachmentIs() {
        let (_, diagnostics) = load(templates: ["templates/reminder.email.mustache": Self.email, "templates/job-sheets.pdf.mustache": Self.sheet])
        let error = diagnostics.first { $0.message.hasPrefix("attachment pdf") }
        #expect(error?.message == "attachment pdf \"job-sheet\": there is no templates/job-sheet.pdf.mustache")
        #expect(error?.hint == "Did you mean \"job-sheets\"?")
        #expect(error?.location == FileLocation(file: "templates/reminder.email.mustache", line: 4, column: 5))
    }

    @Test func fileAttachmentsNeedAttachmentsDir() {
        let (_, diagnostics) = load(config: Fixture.crierYAML)
        #expect(diagnostics.map(\.message).contains("a `file:` attachment needs attachments_dir in crier.yaml: files are only ever read from there"))
    }

    @Test func aVariableOfThePDFTemplateMustBeAColumn() throws {
        let (repository, _) = load(templates: ["templates/reminder.email.mustache": Self.email,
                                               "templates/job-sheet.pdf.mustache": "Job {{key}} for {{client}}"])
        var collector = DiagnosticCollector()
        let plan = Planner(repository: try #require(repository), at: slotTime, snapshotSHA256: "snap")
            .plan(rows: MemoryRows(columns: columns, rows: []), ledger: MemoryLedgerView(), into: &collector)
        #expect(plan.schedules.first?.status == .invalid)
        #expect(collector.diagnostics.first?.message == "template variable {{client}} is no column of schedule \"reminder\"'s query")
        #expect(collector.diagnostics.first?.location?.file == "templates/job-sheet.pdf.mustache")
    }
}
