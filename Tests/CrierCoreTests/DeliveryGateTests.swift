import Foundation
import Testing
@testable import CrierCore

/// The gate each item passes just before delivery.
@Suite struct ConsentGateTests {
    func item(_ recipient: String, _ channel: Channel) -> PlanItem {
        PlanItem(id: "i", schedule: "s", slot: "x", key: "J1", occurrence: "o", channel: channel, recipient: recipient, action: .send)
    }

    @Test func anOptedOutRecipientIsWithdrawnAndOthersGoOut() {
        let gate = ConsentGate(optedOut: ["+64211000000", "kylie@example.com"])
        let now = Date(timeIntervalSince1970: 0)
        #expect(gate.verdict(for: item("+64211000000", .sms), at: now) == .withdraw(.optedOut))
        #expect(gate.verdict(for: item("+64211000001", .sms), at: now) == .deliver)
        #expect(gate.verdict(for: item("Kylie@Example.com", .email), at: now) == .withdraw(.optedOut), "addresses match without case")
        #expect(gate.verdict(for: item("mere@example.com", .email), at: now) == .deliver)
    }

    @Test func theGateReadsTheLedgersListAndFailsWhenItCannot() throws {
        struct Unreadable: Error {}
        struct Broken: LedgerView {
            func slotStatus(schedule: String, slot: String) throws -> SlotStatus? { nil }
            func itemStates(ids: [String]) throws -> [String: ItemState] { [:] }
            func changeDefinition(schedule: String) throws -> String? { nil }
            func changeGeneration(schedule: String) throws -> Int64 { 0 }
            func changeFingerprints(schedule: String) throws -> [String: String] { [:] }
            func changeRows(schedule: String, keys: [String]) throws -> [String: String] { [:] }
            func optOutKeys() throws -> Set<String> { throw Unreadable() }
            func quietHoursItems(schedule: String, since: String) throws -> [String: String] { [:] }
            func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int { 0 }
        }
        #expect(throws: Unreadable.self) { _ = try ConsentGate(ledger: Broken()) }
        #expect(try ConsentGate(ledger: EmptyLedgerView()).optedOut.isEmpty)
    }
}
