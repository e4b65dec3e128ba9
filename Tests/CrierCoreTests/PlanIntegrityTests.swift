import Testing
@testable import CrierCore

@Suite("Plan integrity")
struct PlanIntegrityTests {
    func item(_ key: String, body: String? = "Hi", action: PlanItem.Action = .send, reason: SkipReason? = nil,
              recipient: String = "+64211000001") -> PlanItem {
        PlanItem(id: "id-\(key)", schedule: "reminder", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: key, occurrence: "2026-11-24",
                 channel: .sms, recipient: recipient, action: action, reason: reason, content: body.map { .sms(SMSContent(body: $0, segments: 1, encoding: "GSM-7")) })
    }

    @Test func theSameItemsHaveNoDifference() {
        let items = [item("J1"), item("J2", body: nil, action: .skip, reason: .invalidAddress)]
        #expect(PlanIntegrity.differences(planned: items, rendered: items).isEmpty)
    }

    @Test func editedFieldsAreNamedWithoutTheirValues() {
        var edited = item("J1", body: "Hi, call Secret-Edit-77", recipient: "+64211000009")
        edited.content = .sms(SMSContent(body: "Hi, call Secret-Edit-77", segments: 2, encoding: "GSM-7"))
        let differences = PlanIntegrity.differences(planned: [edited], rendered: [item("J1")])
        #expect(differences.map(\.description) == ["item id-J1 (schedule reminder, key J1): recipient, body, segments differ"])
        #expect(!differences.description.contains("Secret-Edit-77"))
    }

    @Test func addedDroppedAndUnskippedItemsAreRefused() {
        let differences = PlanIntegrity.differences(
            planned: [item("J1"), item("J9"), item("J3")],
            rendered: [item("J1"), item("J2"), item("J3", action: .skip, reason: .optedOut)])
        #expect(differences.map(\.description) == [
            "item id-J9 (schedule reminder, key J9): the config and snapshot do not produce this item",
            "item id-J3 (schedule reminder, key J3): the plan sends it, but it renders as skipped (opted-out)",
            "item id-J2 (schedule reminder, key J2): the plan leaves out this item, which the config and snapshot produce",
        ])
    }

    @Test func skipsAndHoldsThatComeFromTheLedgerAreNotEdits() {
        let rendered = [item("J1", action: .skip, reason: .alreadySent), item("J2", action: .hold, reason: .dailyCap)]
        #expect(PlanIntegrity.differences(planned: [item("J1"), item("J2")], rendered: rendered).isEmpty)
    }
}
