import Foundation
import Testing
@testable import CrierCore

@Suite("Message content")
struct MessageContentTests {
    func item(_ channel: Channel, _ content: MessageContent?) -> PlanItem {
        PlanItem(id: "i", schedule: "s", slot: Slot(Date(timeIntervalSince1970: 1_795_406_400)), key: "J1", occurrence: "o",
                 channel: channel, recipient: "r", action: .send, content: content)
    }

    @Test func anSMSIsWrittenAsBodySegmentsAndEncodingAndReadBack() throws {
        let sms = item(.sms, .sms(SMSContent(body: "Kia ora", segments: 1, encoding: "GSM-7")))
        let text = sms.json.compact()
        #expect(text.hasSuffix(#""action":"send","body":"Kia ora","segments":1,"encoding":"GSM-7"}"#), "\(text)")
        #expect(try JSONDecoder().decode(PlanItem.self, from: Data(text.utf8)) == sms)
    }

    @Test func anEmailIsWrittenInThePlansFieldOrderAndReadBack() throws {
        var email = EmailContent(body: "Hello", subject: "Visit")
        email.replyTo = "desk@acme.example"
        email.html = "<p>Hello</p>"
        let planned = item(.email, .email(email))
        let text = planned.json.compact()
        #expect(text.hasSuffix(#""subject":"Visit","reply_to":"desk@acme.example","body":"Hello","html":"<p>Hello</p>"}"#), "\(text)")
        #expect(try JSONDecoder().decode(PlanItem.self, from: Data(text.utf8)) == planned)
    }

    @Test func anItemWithoutABodyHasNoContentAndTheOtherChannelsFieldsAreNotRead() throws {
        let skipped = item(.sms, nil)
        #expect(!skipped.json.compact().contains("body"))
        #expect(try JSONDecoder().decode(PlanItem.self, from: Data(skipped.json.compact().utf8)).content == nil)
        let mixed = #"{"id":"i","schedule":"s","slot":"2026-11-23T04:00:00Z","key":"J1","occurrence":"o","channel":"sms","#
            + #""recipient":"r","action":"send","subject":"stray","body":"Hi","segments":1,"encoding":"GSM-7"}"#
        let read = try JSONDecoder().decode(PlanItem.self, from: Data(mixed.utf8))
        #expect(read.content == .sms(SMSContent(body: "Hi", segments: 1, encoding: "GSM-7")))
        #expect(!read.json.compact().contains("stray"))
    }
}
