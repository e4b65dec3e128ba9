import CrierTestSupport
import Foundation
import Testing

/// `crier send`: one manual message with the checks of a planned one (TimeTrak's manual SMS).
@Suite("Manual sends, end to end")
struct SendEndToEndTests {
    static let at = "2026-11-23T10:00:00+13:00"

    func makeRepo() throws -> ConfigRepo {
        try ConfigRepo(config: ConfigRepo.defaultConfig.replacingOccurrences(of: "  default_region: NZ", with: "  default_region: NZ\n  allowed_regions: [NZ, AU]"),
                       schedules: [:],
                       templates: ["late.sms.mustache": "Kia ora {{name}}, {{tech}} is running {{minutes}} minutes late for job {{key}}.\n",
                                   "visit.email.mustache": SMTPEndToEndTests.template.replacingOccurrences(of: "{{at.weekday}}", with: "{{slot.weekday}}")
                                       .replacingOccurrences(of: "{{at.time}}", with: "{{slot.time}}")])
    }

    @Test func aTypedSMSIsSentOnceADayUnlessAgain() throws {
        let repo = try makeRepo()
        let first = try repo.crier(["send", "--to", "021 123 4567", "--body", "Running 10 minutes late", "--key", "J7", "--at", Self.at])
        #expect(first.code == 0, "\(first.out)\(first.err)")
        #expect(first.out.hasPrefix("sent to +64211234567 (sms, key J7, item "))
        #expect(repo.outbox("sms").count == 1)
        let repeated = try repo.crier(["send", "--to", "+64 21 123 4567", "--body", "Running 10 minutes late", "--key", "J7", "--at", Self.at])
        #expect(repeated.code == 1)
        #expect(repeated.out.contains("not sent to +64211234567: already-sent"))
        let again = try repo.crier(["send", "--to", "021 123 4567", "--body", "Running 10 minutes late", "--key", "J7", "--at", Self.at, "--again"])
        #expect(again.code == 0, "\(again.out)\(again.err)")
        #expect(repo.outbox("sms").count == 2)
        let history = try repo.crier(["history", "--key", "J7", "--show-body"])
        #expect(history.out.contains("manual"))
        #expect(history.out.contains("body: Running 10 minutes late"))
        #expect(history.out.contains("2 item(s), 2 sent"))
        let counts = try repo.crier(["history", "--counts", "--key", "J7", "--format", "json"])
        #expect(counts.out.contains("\"sent\": 2"))
    }

    @Test func aTemplateNeedsItsVariablesAndIsRendered() throws {
        let repo = try makeRepo()
        let missing = try repo.crier(["send", "--to", "021 123 4567", "--template", "late", "--var", "name=Mere", "--at", Self.at])
        #expect(missing.code == 64)
        #expect(missing.err.contains("error: template \"late\" uses {{tech}}, {{minutes}}: pass --var tech=VALUE --var minutes=VALUE"))
        let sent = try repo.crier(["send", "--to", "021 123 4567", "--template", "late", "--key", "J8", "--at", Self.at,
                                   "--var", "name=Mere", "--var", "tech=Hemi", "--var", "minutes=15"])
        #expect(sent.code == 0, "\(sent.out)\(sent.err)")
        let file = try #require(repo.outbox("sms").first)
        let json = try String(contentsOfFile: "\(repo.root)/outbox/sms/\(file)", encoding: .utf8)
        #expect(json.contains("\"body\": \"Kia ora Mere, Hemi is running 15 minutes late for job J8.\""))
        let email = try repo.crier(["send", "--to", "mere@example.org", "--template", "visit", "--key", "J8", "--var", "name=Mere", "--at", Self.at])
        #expect(email.code == 0, "\(email.out)\(email.err)")
        let eml = try String(contentsOfFile: "\(repo.root)/outbox/email/\(try #require(repo.outbox("email").first))", encoding: .utf8)
        #expect(eml.contains("Kia ora Mere, see you Monday at 10:00."))
    }

    @Test func everyCheckOfAPlannedItemApplies() throws {
        let repo = try makeRepo()
        let foreign = try repo.crier(["send", "--to", "+1 415 555 0100", "--body", "hi", "--at", Self.at])
        #expect(foreign.code == 65)
        #expect(foreign.out.contains("not sent to +1 415 555 0100: invalid-address"))
        let long = try repo.crier(["send", "--to", "021 123 4567", "--body", String(repeating: "x", count: 161), "--at", Self.at])
        #expect(long.code == 65)
        #expect(long.out.contains("too-long"))
        _ = try repo.crier(["optout", "add", "021 555 0199"])
        let optedOut = try repo.crier(["send", "--to", "0215550199", "--body", "hi", "--at", Self.at])
        #expect(optedOut.code == 1)
        #expect(optedOut.out.contains("opted-out"))
        let header = try repo.crier(["send", "--to", "a@example.org", "--body", "hi", "--subject", "a\nBcc: x@example.org", "--at", Self.at])
        #expect(header.code == 65)
        #expect(header.out.contains("invalid-header: subject"))
        #expect(repo.outbox("sms").isEmpty && repo.outbox("email").isEmpty)
        let usage = try repo.crier(["send", "--to", "021 123 4567", "--at", Self.at])
        #expect(usage.code == 64)
    }
}
