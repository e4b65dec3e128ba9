import CrierTestSupport
import Foundation
import Testing

/// `--log-format json` and `log_format: json`: one JSON object per line on stderr, with the
/// run id, schedule and item id; never a message body.
@Suite("JSON logs, end to end")
struct LogFormatEndToEndTests {
    func repo(config: String = ConfigRepo.defaultConfig) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 3) { _ in "2026-11-23T20:00:00Z" }
        return repo
    }

    /// Every stderr line as a JSON object; records an issue for a line that is not one.
    func objects(_ stderr: String) -> [[String: Any]] {
        stderr.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            return object
        }
    }

    @Test(arguments: [true, false])
    func eachLineIsOneObjectWithRunScheduleAndItem(fromCommandLine: Bool) throws {
        let repo = try repo(config: ConfigRepo.defaultConfig + (fromCommandLine ? "" : "\nlog_format: json\n"))
        let run = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"] + (fromCommandLine ? ["--log-format", "json"] : []))
        #expect(run.code == 0, "\(run.err)")
        let lines = objects(run.err)
        let delivered = lines.filter { $0["message"] as? String == "delivered" }
        #expect(delivered.count == 3, "\(run.err)")
        for line in delivered {
            #expect(line["level"] as? String == "info")
            #expect((line["ts"] as? String)?.hasSuffix("Z") == true)
            #expect(line["run"] as? String == "1")
            #expect(line["schedule"] as? String == "reminder")
            #expect((line["item"] as? String)?.isEmpty == false)
            #expect(line["channel"] as? String == "sms")
        }
        #expect(Set(delivered.compactMap { $0["item"] as? String }).count == 3)
        #expect(!run.err.contains("Hi Client"), "no message body in the logs")
        #expect(run.out.contains("sent 3"), "stdout keeps the summary for people")
    }

    @Test func textStaysTheDefaultAndTheFlagWinsOverTheFile() throws {
        let quiet = try repo()
        let text = try quiet.crier(["run", "--at", "2026-11-23T17:00:00+13:00"], environment: ["CRIER_LOG_LEVEL": "info"])
        #expect(text.err.contains("info crier.delivery: channel=sms item="), "\(text.err)")
        #expect(!text.err.contains("{\""))

        let configured = try repo(config: ConfigRepo.defaultConfig + "\nlog_format: json\n")
        let overridden = try configured.crier(["run", "--at", "2026-11-23T17:00:00+13:00", "--log-format", "text"],
                                              environment: ["CRIER_LOG_LEVEL": "info"])
        #expect(!overridden.err.contains("{\""), "\(overridden.err)")
        let bad = try configured.crier(["run", "--log-format", "xml"])
        #expect(bad.code == 64)
    }
}
