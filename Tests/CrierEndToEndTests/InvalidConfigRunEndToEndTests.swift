import CrierTestSupport
import Foundation
import Testing

/// `crier run` over a crier.yaml it cannot trust records and delivers nothing (SPEC §5), and a
/// secret that is not there is found before any item is tried: nothing is marked failed.
@Suite("run with an invalid crier.yaml or a missing secret, end to end")
struct InvalidConfigRunEndToEndTests {
    static let at = SMTPEndToEndTests.at

    @Test func anInvalidCrierYamlRecordsAndDeliversNothing() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", SMTPEndToEndTests.password])
        defer { server.stop() }
        // A literal password: the run must not send AUTH with an empty one, nor anything else.
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: "url: \(server.url)\ntls: none\nusername: crier\npassword: Literal-x91"),
                                  schedules: ["visit.yaml": SMTPEndToEndTests.schedule], templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 3)
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 65, "\(run.out)\(run.err)")
        #expect(run.err.contains("crier.yaml:13:15: error: a literal password is refused"), "\(run.err)")
        #expect(run.err.contains("crier.yaml: error: crier.yaml has errors (above): nothing was recorded or sent. Fix them; `crier validate` checks"),
                "\(run.err)")
        #expect(!run.err.contains("Literal-x91") && !run.out.contains("Literal-x91"))
        #expect(server.received().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "no ledger written")
    }

    @Test func anUnsetPasswordVariableIsFoundBeforeAnythingIsTriedAndFailsNothing() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", SMTPEndToEndTests.password])
        defer { server.stop() }
        let repo = try ConfigRepo(config: SMTPEndToEndTests.config(smtp: "url: \(server.url)\ntls: none\nusername: crier\npassword_env: CRIER_E2E_UNSET_PW"),
                                  schedules: ["visit.yaml": SMTPEndToEndTests.schedule], templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try SMTPEndToEndTests().makeSnapshot(repo, count: 3)
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 65, "\(run.out)\(run.err)")
        #expect((run.out + run.err).contains("CRIER_E2E_UNSET_PW"), "the variable is named: \(run.out)\(run.err)")
        // Named up front, at the setting, before the plan is recorded.
        #expect(run.err.hasPrefix(repo.root + "/crier.yaml:") || run.err.hasPrefix("crier.yaml:"), "\(run.err)")
        #expect(run.err.contains("password_env names CRIER_E2E_UNSET_PW, which is not set in this environment"), "\(run.err)")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'failed'") == 0)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state NOT IN ('pending', 'skipped')") == 0, "nothing tried")
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'pending' AND last_error LIKE '%CRIER_E2E_UNSET_PW%'") == 3,
                "each waits with the error")
        #expect(server.received().isEmpty)

        let fixed = try repo.crier(["run", "--at", "2026-11-23T17:10:00+13:00"], environment: ["CRIER_E2E_UNSET_PW": SMTPEndToEndTests.password])
        #expect(fixed.code == 0, "\(fixed.out)\(fixed.err)")
        #expect(server.received().count == 3)
    }
}
