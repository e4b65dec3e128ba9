import CrierCore
import Foundation
import Testing
@testable import CrierDelivery

@Suite("Outbox transport")
struct OutboxTransportTests {
    let directory = NSTemporaryDirectory() + "crier-outbox-\(UUID().uuidString)"

    @Test func writesSMSJSONAtomicallyAndReconciles() throws {
        let outbox = OutboxTransport(directory: directory)
        #expect(outbox.reconcile(itemID: "abc", channel: .sms) == false)
        let outcome = outbox.deliver(.sms(itemID: "abc", SMSMessage(recipient: "+64211234567", body: "Kia ora \"Mere\"", segments: 1, encoding: "GSM-7")))
        #expect(outcome == .delivered(providerID: nil))
        let text = try String(contentsOfFile: directory + "/sms/abc.json", encoding: .utf8)
        #expect(text == "{\n  \"recipient\": \"+64211234567\",\n  \"body\": \"Kia ora \\\"Mere\\\"\",\n  \"segments\": 1,\n  \"encoding\": \"GSM-7\"\n}\n")
        #expect(outbox.reconcile(itemID: "abc", channel: .sms) == true)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory + "/sms").filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func writesEmailWithCRLFAndMessageID() throws {
        let outbox = OutboxTransport(directory: directory)
        let message = EmailMessage(
            from: try Mailbox.parse("Acme Services <noreply@acme.example>"), to: [try Mailbox.parse("mere@example.co.nz")],
            cc: [], bcc: [try Mailbox.parse("audit@acme.example")], replyTo: [try Mailbox.parse("office@acme.example")],
            subject: "Your visit on Tuesday — Ōtāhuhu", date: Date(timeIntervalSince1970: 1_795_474_800),
            timeZone: TimeZone(identifier: "Pacific/Auckland")!, messageID: "abc@acme.example", text: "Kia ora Mere,\nsee you.", html: nil)
        #expect(outbox.deliver(.email(itemID: "abc", message)) == .delivered(providerID: nil))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/email/abc.eml"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("Message-ID: <abc@acme.example>\r\n"))
        #expect(text.contains("Reply-To: office@acme.example\r\n"))
        #expect(text.contains("Bcc: audit@acme.example\r\n"))
        #expect(text.contains("Subject: =?UTF-8?"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func unwritableOutboxIsTransient() throws {
        let file = directory + "-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let outbox = OutboxTransport(directory: file)
        guard case .transient = outbox.deliver(.sms(itemID: "x", SMSMessage(recipient: "+64211234567", body: "b", segments: 1, encoding: "GSM-7"))) else {
            Issue.record("expected a transient failure")
            return
        }
    }

    @Test func reconcilingRemovesTheTemporaryFilesOfADeadRunAndKeepsALiveOnes() throws {
        let outbox = OutboxTransport(directory: directory)
        try FileManager.default.createDirectory(atPath: directory + "/email", withIntermediateDirectories: true)
        let dead = directory + "/email/.abc.eml.999999999.tmp"
        let live = directory + "/email/.abc.eml.\(getpid()).tmp"
        let other = directory + "/email/.abd.eml.999999999.tmp"
        for path in [dead, live, other] { FileManager.default.createFile(atPath: path, contents: Data("partial".utf8)) }
        #expect(outbox.reconcile(itemID: "abc", channel: .email) == false)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live), "a live process's file is its own business")
        #expect(FileManager.default.fileExists(atPath: other), "another item's file waits for that item")
    }

    @Test func anItemWhoseFileExistsIsDeliveredOnceAndNeverWrittenAgain() throws {
        let outbox = OutboxTransport(directory: directory)
        let first = SMSMessage(recipient: "+64211234567", body: "first", segments: 1, encoding: "GSM-7")
        #expect(outbox.deliver(.sms(itemID: "abc", first)) == .delivered(providerID: nil))
        let path = directory + "/sms/abc.json"
        let before = try FileManager.default.attributesOfItem(atPath: path)
        var handedOver = false
        let again = SMSMessage(recipient: "+64211234567", body: "second", segments: 1, encoding: "GSM-7")
        #expect(outbox.deliver(.sms(itemID: "abc", again)) { handedOver = true; return true } == .delivered(providerID: nil))
        #expect(!handedOver, "nothing is handed over again")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("\"first\""))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sms") == ["abc.json"])
        // Another item, or the same id on the other channel, is its own file.
        #expect(outbox.deliver(.sms(itemID: "abd", again)) == .delivered(providerID: nil))
        #expect(try String(contentsOfFile: directory + "/sms/abd.json", encoding: .utf8).contains("\"second\""))
    }

    @Test func aRefusedHandOverPutsNoFileInPlace() throws {
        let outbox = OutboxTransport(directory: directory)
        let sms = SMSMessage(recipient: "+64211234567", body: "b", segments: 1, encoding: "GSM-7")
        #expect(outbox.deliver(.sms(itemID: "x", sms)) { false } == .unmarked)
        #expect(outbox.reconcile(itemID: "x", channel: .sms) == false)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/sms").isEmpty)
    }
}
