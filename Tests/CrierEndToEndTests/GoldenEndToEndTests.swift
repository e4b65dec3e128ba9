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
}
