import CrierTestSupport
import Foundation
import Testing

@Suite("opt-outs, inbound replies, quiet hours and counts, end to end", .serialized)
struct ConsentEndToEndTests {
    /// Two appointments on 2026-11-24 at 08:00 and 08:01 NZDT, to +64211000000 and +64211000001.
    func repo(config: String = ConfigRepo.defaultConfig, schedule: String = ConfigRepo.reminder,
              startsAt: @escaping (Int) -> String = { n in String(format: "2026-11-23T19:%02d:00Z", n) }) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": schedule],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 2, startsAt: startsAt)
        return repo
    }

    func write(_ text: String, to name: String, in repo: ConfigRepo) throws -> String {
        let path = "\(repo.root)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func optoutListShowsNormalisedAddresses() throws {
        let repo = try repo()
        #expect(try repo.crier(["optout", "add", "021 100 0000", "--reason", "asked by phone"]).out == "Opted out: +64211000000\n")
        #expect(try repo.crier(["optout", "add", "+64 21 100 0000"]).out == "Already opted out: +64211000000\n")
        #expect(try repo.crier(["optout", "add", "Kylie@Example.COM"]).code == 0)
        let list = try repo.crier(["optout", "list"])
        #expect(list.code == 0)
        #expect(list.out.contains("+64211000000"))
        #expect(list.out.contains("kylie@example.com"))
        #expect(list.out.contains("asked by phone"))
        #expect(!list.out.contains("021 100 0000"))
        let bad = try repo.crier(["optout", "add", "09 555 1234"])
        #expect(bad.code == 64)
        #expect(bad.err.contains("error: \"09 555 1234\" is neither a mobile number nor an email address."))
        #expect(try repo.crier(["optout", "remove", "kylie@example.com"]).out == "Opted back in: kylie@example.com\n")
        #expect(try repo.crier(["optout", "remove", "kylie@example.com"]).out == "Not on the suppression list: kylie@example.com\n")
    }

    @Test func optedOutNumberThatRepliesStartGetsMessagesAgain() throws {
        let hourly = ConfigRepo.reminder.replacingOccurrences(of: "0 17 * * *", with: "0 * * * *")
        let repo = try repo(schedule: hourly)
        let stop = try write("from,body,received_at\n021 100 0000,Stop.,2026-11-23T10:00:00+13:00\n", to: "stop.csv", in: repo)
        let importStop = try repo.crier(["inbound", stop])
        #expect(importStop.code == 0, "\(importStop.err)")
        #expect(importStop.out.contains("opted out: +64211000000"))

        let plan = try repo.crier(["plan", "--at", "2026-11-23T17:00:00+13:00", "--format", "json"])
        #expect(plan.out.contains("\"reason\": \"opted-out\""))
        let first = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(first.code == 0, "\(first.err)")
        #expect(repo.outbox().count == 1)

        let start = try write("from,body,received_at\n+64211000000,START,2026-11-23T17:30:00+13:00\n", to: "start.csv", in: repo)
        #expect(try repo.crier(["inbound", start]).out.contains("opted back in: +64211000000"))
        let second = try repo.crier(["run", "--at", "2026-11-23T18:00:00+13:00"])
        #expect(second.code == 0, "\(second.err)")
        #expect(repo.outbox().count == 2)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE state = 'sent'") == 2)
    }

    @Test func anUnusableCrierYAMLSaysWhy() throws {
        let repo = try repo(config: "timezone: [Pacific/Auckland\n")
        for arguments in [["optout", "list"], ["optout", "add", "021 100 0000"], ["inbound", "replies.csv"], ["history"], ["failures"]] {
            let result = try repo.crier(arguments)
            #expect(result.code == 65, "\(arguments)")
            #expect(result.err.contains("crier.yaml:"), "\(arguments): \(result.err)")
        }
    }

    @Test func theSameInboundFileTwiceChangesNothing() throws {
        let repo = try repo()
        let csv = """
            from,body,received_at
            021 100 0000,STOP,2026-11-23T10:00:00+13:00
            021 100 0000,start,2026-11-23T09:00:00+13:00
            +64211000001,"Can we move it to 3pm, please?
            Thanks",2026-11-23T10:00:00+13:00
            junk,STOP,2026-11-23T10:00:00+13:00
            +64211000002,UNSUBSCRIBE,2026-11-23T11:00:00Z

            """
        let path = try write(csv, to: "replies.csv", in: repo)
        let first = try repo.crier(["inbound", path])
        #expect(first.code == 65)
        #expect(first.err.contains("replies.csv:6: error: row skipped: \"from\" is not a mobile number crier can read: \"junk\""))
        #expect(first.out.contains("replies.csv:4: not a keyword, for a person to read: +64211000001: \"Can we move it to 3pm, please?\\nThanks\""))
        #expect(first.out.contains("4 new reply(ies), 0 already imported, 2 opted out, 0 opted back in, 1 not a keyword, 1 bad row(s)"))
        let listBefore = try repo.crier(["optout", "list"]).out
        let again = try repo.crier(["inbound", path])
        #expect(again.out.contains("0 new reply(ies), 4 already imported, 0 opted out, 0 opted back in, 0 not a keyword, 1 bad row(s)"))
        #expect(try repo.crier(["optout", "list"]).out == listBefore)
        #expect(try repo.ledgerCount("SELECT count(*) FROM opt_outs") == 2)
        #expect(try repo.ledgerCount("SELECT count(*) FROM inbound_replies") == 4)
    }

    @Test func aBadHeaderExits65() throws {
        let repo = try repo()
        let path = try write("number,text,when\n+64211000000,STOP,2026-11-23T10:00:00Z\n", to: "bad.csv", in: repo)
        let result = try repo.crier(["inbound", path])
        #expect(result.code == 65)
        #expect(result.err.contains("bad.csv:1: error: the header must be \"from,body,received_at\", found \"number,text,when\""))
    }

    @Test func aQuietHoursSMSThatBecomesMootIsNeverSent() throws {
        let config = ConfigRepo.defaultConfig + "\nquiet_hours: \"21:00-08:00\"\n"
        let morning = ConfigRepo.reminder.replacingOccurrences(of: "0 17 * * *", with: "0 7 * * *")
            .replacingOccurrences(of: "interval: 1 day", with: "interval: today")
        // 07:30 and 10:00 NZDT on 2026-11-24.
        let repo = try repo(config: config, schedule: morning) { n in n == 0 ? "2026-11-23T18:30:00Z" : "2026-11-23T21:00:00Z" }
        let quiet = try repo.crier(["run", "--at", "2026-11-24T07:00:00+13:00"])
        #expect(quiet.code == 0, "\(quiet.err)")
        #expect(repo.outbox().isEmpty)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE reason = 'quiet-hours' AND state = 'skipped'") == 2)

        let after = try repo.crier(["run", "--at", "2026-11-24T08:00:00+13:00"])
        #expect(after.code == 0, "\(after.err)")
        #expect(repo.outbox().count == 1)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE key = 'J1000' AND reason = 'event-started' AND state = 'skipped'") == 1)
        #expect(try repo.ledgerCount("SELECT count(*) FROM items WHERE key = 'J1001' AND state = 'sent'") == 1)

        let later = try repo.crier(["run", "--at", "2026-11-24T09:00:00+13:00"])
        #expect(later.code == 0)
        #expect(repo.outbox().count == 1)
    }

    @Test func historyCountsPerKeyAndRecipient() throws {
        let repo = try repo()
        #expect(try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"]).code == 0)
        let table = try repo.crier(["history", "--counts"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("J1000"))
        #expect(table.out.contains("+64211000001"))
        let json = try repo.crier(["history", "--counts", "--format", "json", "--key", "J1000"])
        #expect(json.out.contains("\"key\": \"J1000\""))
        #expect(json.out.contains("\"sent\": 1"))
        #expect(!json.out.contains("J1001"))
        let plain = try repo.crier(["history"])
        #expect(plain.out.contains("2 item(s), 2 sent"))
    }
}

@Suite("validate: opt_out_query and quiet hours", .serialized)
struct ConsentValidateEndToEndTests {
    @Test func validateChecksTheOptOutQueryAndWarnsAboutQuietSlots() throws {
        let config = ConfigRepo.defaultConfig + "\nquiet_hours: \"21:00-08:00\"\nopt_out_query: SELECT phone FROM appointments\n"
        let late = ConfigRepo.reminder.replacingOccurrences(of: "0 17 * * *", with: "0 22 * * *")
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": late],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 1) { _ in "2026-11-23T19:00:00Z" }
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("crier.yaml:11:16: error: \"opt_out_query\" has no column \"address\" (it has \"phone\")"))
        #expect(result.err.contains("warning: schedule \"reminder\": cron \"0 22 * * *\" fires at "))
        #expect(result.err.contains("inside quiet_hours 21:00-08:00"))

        let fixed = ConfigRepo.defaultConfig + "\nquiet_hours: \"21:00-08:00\"\nopt_out_query: SELECT phone AS address FROM appointments\n"
        try fixed.write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
        let ok = try repo.crier(["validate"])
        #expect(ok.code == 0, "\(ok.err)")
        let plan = try repo.crier(["plan", "--at", "2026-11-23T22:00:00+13:00", "--format", "json"])
        #expect(plan.out.contains("\"reason\": \"opted-out\""))
    }
}
