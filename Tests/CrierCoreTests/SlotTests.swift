import Foundation
import Testing
@testable import CrierCore

@Suite("Slot")
struct SlotTests {
    @Test func itIsParsedOnceAndWrittenAsUTCText() throws {
        let slot = try #require(Slot(text: "2026-11-23T17:00:00+13:00"))
        #expect(slot.text == "2026-11-23T04:00:00Z")
        #expect(slot == Slot(text: "2026-11-23T04:00:00Z"))
        #expect(slot.date == Date(timeIntervalSince1970: 1_795_406_400))
        #expect(Slot(text: "x") == nil)
        #expect(Slot(text: "2026-11-23T04:00:00") == nil, "no offset: its zone would be a guess")
    }

    @Test func itKeepsWholeSecondsSoItsTextReadsBackEqual() throws {
        let slot = Slot(Date(timeIntervalSince1970: 1_795_406_400.75))
        #expect(slot.text == "2026-11-23T04:00:00Z")
        #expect(Slot(text: slot.text) == slot)
        #expect(Slot(Date(timeIntervalSince1970: 10)) < Slot(Date(timeIntervalSince1970: 11)))
    }

    @Test func itIsJSONTextAndBadTextIsRefusedByName() throws {
        let slot = try #require(Slot(text: "2026-11-23T04:00:00Z"))
        let json = try JSONEncoder().encode([slot])
        #expect(String(decoding: json, as: UTF8.self) == #"["2026-11-23T04:00:00Z"]"#)
        #expect(try JSONDecoder().decode([Slot].self, from: json) == [slot])
        do {
            _ = try JSONDecoder().decode([Slot].self, from: Data(#"["tomorrow"]"#.utf8))
            Issue.record("a slot that is no time was read")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("slot \"tomorrow\" is not an ISO 8601 time"))
        }
    }
}

@Suite("Occurrence")
struct OccurrenceTests {
    @Test func itIsItsTextInJSONInOrderAndInTheItemID() throws {
        let occurrence = Occurrence("2026-11-02T09:30:00Z#2")
        let json = try JSONEncoder().encode([occurrence])
        #expect(String(decoding: json, as: UTF8.self) == #"["2026-11-02T09:30:00Z#2"]"#)
        #expect(try JSONDecoder().decode([Occurrence].self, from: json) == [occurrence])
        #expect(Occurrence("2026-11-24") < Occurrence("2026-11-25"))
        #expect(PlanItem.id(schedule: "s", key: "J1", occurrence: occurrence, channel: .sms, recipient: "+64211111111")
                != PlanItem.id(schedule: "s", key: "J1", occurrence: "2026-11-02T09:30:00Z#3", channel: .sms, recipient: "+64211111111"))
    }

    @Test func anOverdueOccurrenceNamesItsAnchorAndNumber() {
        #expect(OverdueCollector.occurrence(since: Date(timeIntervalSince1970: 1_793_611_800), number: 2).text
                == "2026-11-02T09:30:00Z#2")
    }
}
