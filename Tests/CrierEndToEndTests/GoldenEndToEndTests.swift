import CrierTestSupport
import Foundation
import Testing

/// The shipped example at `make demo`'s instant: its plan and one delivered email are pinned
/// byte for byte, so that a refactoring that changes what crier decides or writes shows here.
@Suite("Golden files: the shipped example's plan and one email")
struct GoldenEndToEndTests {
    @Test func thePlanOfTheShippedExampleAtTheDemoInstantIsByteIdentical() throws {
        let repo = try ConfigRepo.demo()
        let result = try repo.crier(["plan", "--at", ConfigRepo.demoInstant, "--format", "json"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("\"action\": \"send\""), "the plan sends something")
        let mismatch = try Golden.mismatch(result.out, file: "demo-plan.json")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func theFirstEmailTheDemoRunWritesIsByteIdentical() throws {
        let repo = try ConfigRepo.demo()
        let result = try repo.crier(["run", "--at", ConfigRepo.demoInstant])
        #expect(result.code == 0, "\(result.err)")
        let name = try #require(repo.outbox("email").first { $0.hasSuffix(".eml") }, "the demo run writes emails")
        let text = try String(contentsOfFile: "\(repo.root)/outbox/email/\(name)", encoding: .utf8)
        let mismatch = try Golden.mismatch(text, file: "demo-first.eml")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test func itemsDeliveredAsRecordedAreTheItemsReadBackFromTheLedger() throws {
        // A run delivers the items it just recorded as it holds them; a later run reads them back
        // from the ledger. Both must write the same files, byte for byte.
        let direct = try ConfigRepo.demo()
        #expect(try direct.crier(["run", "--at", ConfigRepo.demoInstant]).code == 0)
        let later = try ConfigRepo.demo()
        // An outbox that is a file: every delivery fails for now, the items wait for the next run.
        #expect(FileManager.default.createFile(atPath: later.root + "/outbox", contents: Data()))
        let failed = try later.crier(["run", "--at", ConfigRepo.demoInstant], environment: ["CRIER_RETRY_DELAY_MS": "1"])
        #expect(failed.code == 75, "\(failed.out)\(failed.err)")
        #expect(try later.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending'") > 0)
        try FileManager.default.removeItem(atPath: later.root + "/outbox")
        let resumed = try later.crier(["run", "--at", ConfigRepo.demoInstant])
        #expect(resumed.code == 0, "\(resumed.out)\(resumed.err)")
        for folder in ["email", "sms"] {
            let names = direct.outbox(folder)
            #expect(!names.isEmpty && later.outbox(folder) == names, "\(folder): the same items")
            for name in names {
                let one = try Data(contentsOf: URL(fileURLWithPath: "\(direct.root)/outbox/\(folder)/\(name)"))
                let other = try Data(contentsOf: URL(fileURLWithPath: "\(later.root)/outbox/\(folder)/\(name)"))
                #expect(one == other, "\(folder)/\(name) differs")
            }
        }
    }
}
