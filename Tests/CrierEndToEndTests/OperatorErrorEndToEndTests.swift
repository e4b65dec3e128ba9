import CrierTestSupport
import Foundation
import GRDB
import Testing

/// Mistakes an operator makes, each met with a located error that says what to do.
@Suite("Operator errors, end to end")
struct OperatorErrorEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"

    func repo(config: String = ConfigRepo.defaultConfig, schedule: String = ConfigRepo.reminder,
              templates: [String: String] = ["reminder.sms.mustache": ConfigRepo.reminderTemplate]) throws -> ConfigRepo {
        let repo = try ConfigRepo(config: config, schedules: ["reminder.yaml": schedule], templates: templates)
        try repo.makeSnapshot(count: 2) { n in "2026-11-23T2\(n):00:00Z" }
        return repo
    }

    @Test func legacyZoneNamesAndWordedDurationsAreAccepted() throws {
        let config = ConfigRepo.defaultConfig.replacingOccurrences(of: "timezone: Pacific/Auckland", with: "timezone: NZ")
            .replacingOccurrences(of: "catch_up: 6h", with: "catch_up: 6 hours")
        let repo = try repo(config: config)
        let validate = try repo.crier(["validate"])
        #expect(validate.code == 0, "\(validate.err)")
        let plan = try repo.crier(["plan", "--at", Self.at])
        #expect(plan.out.contains("reminder  2026-11-23T17:00:00+13:00  due"), "NZ is Pacific/Auckland: \(plan.out)")
        #expect(plan.out.contains("see you Tuesday at 09:00"), "\(plan.out)")
        let bad = try self.repo(config: ConfigRepo.defaultConfig.replacingOccurrences(of: "timezone: Pacific/Auckland", with: "timezone: NZST"))
        let refused = try bad.crier(["validate"])
        #expect(refused.code == 65)
        #expect(refused.err.contains("crier.yaml:1:11: error: unknown time zone \"NZST\""), "\(refused.err)")
    }

    @Test func aConfigFolderIsNamedAsOne() throws {
        let repo = try repo()
        let result = try repo.crier(["validate", "--config", repo.root])
        #expect(result.code == 65)
        #expect(result.err == "\(repo.root): error: --config names a folder, not a file. Pass the file: --config \(repo.root)/crier.yaml\n")
    }

    @Test func aMisspeltVariableIsPlacedAtItsColumnWithADidYouMean() throws {
        let repo = try repo(templates: ["reminder.sms.mustache": "Hi {{name}},\nsee you {{at.weekday}} ({{occurence}}).\n"])
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("""
            templates/reminder.sms.mustache:2:27: error: template variable {{occurence}} is no column of schedule "reminder"'s query. Did you mean {{occurrence}}?
                see you {{at.weekday}} ({{occurence}}).
                                          ^
            """), "\(result.err)")
    }

    @Test func aMissingChannelNamesTheChannelOfTheTemplateThatExists() throws {
        let schedule = ConfigRepo.reminder.replacingOccurrences(of: "channel: sms\n", with: "")
        let repo = try repo(schedule: schedule, templates: ["reminder.email.mustache": "---\nsubject: Hi\n---\nHi {{name}}\n"])
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("error: a schedule needs \"channel\". Add `channel: email` (templates/reminder.email.mustache exists)"), "\(result.err)")
        #expect(!result.err.contains("reminder.sms.mustache"), "no cascade into a wrong template: \(result.err)")
    }

    @Test func queryErrorsGetAdviceForTheirKindAndAPlace() throws {
        let syntax = ConfigRepo.reminder.replacingOccurrences(of: "FROM appointments", with: "FORM appointments")
        let result = try repo(schedule: syntax).crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("""
            schedules/reminder.yaml:7:63: error: schedule "reminder": query failed: near "appointments": syntax error. Fix the SQL syntax there
                  SELECT job AS key, starts_at, phone AS recipient, name FORM appointments
                                                                              ^
            """), "\(result.err)")
        #expect(!result.err.contains("tables and columns must exist"))

        let incomplete = ConfigRepo.reminder.replacingOccurrences(of: "ORDER BY starts_at", with: "ORDER BY (starts_at")
        let cut = try repo(schedule: incomplete).crier(["validate"])
        #expect(cut.err.contains("""
            schedules/reminder.yaml:9:22: error: schedule "reminder": query failed: incomplete input. The query ends too early
            """), "placed at the query's end: \(cut.err)")

        let two = ConfigRepo.reminder.replacingOccurrences(of: "ORDER BY starts_at", with: "ORDER BY starts_at; DROP TABLE appointments")
        let several = try repo(schedule: two).crier(["validate"])
        #expect(several.code == 65)
        #expect(several.err.contains("""
            schedules/reminder.yaml:9:21: error: schedule "reminder": query failed: the query holds more than one statement. Remove the `;` and everything after it: a query is one SELECT statement
            """), "\(several.err)")
        #expect(!several.err.contains("Multiple statements found"))
    }

    @Test func aTemplateThatIsNotUTF8IsAnErrorAtItsByte() throws {
        let repo = try repo()
        let bytes: [UInt8] = Array("Hi {{name}},\nsee you at ".utf8) + [0x4F, 0x74, 0xE2, 0x68, 0x75, 0x68, 0x75] + Array(" {{at.time}}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: repo.root + "/templates/reminder.sms.mustache"))
        let result = try repo.crier(["validate"])
        #expect(result.code == 65)
        #expect(result.err.contains("templates/reminder.sms.mustache:2:14: error: the file is not valid UTF-8 text: byte 0xE2 at byte 14 of line 2. Save the file as UTF-8"), "\(result.err)")
        #expect(result.err.contains("schedules/reminder.yaml:3:11: error: template \"reminder\" has errors (reported above)"), "\(result.err)")
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(repo.outbox().isEmpty, "nothing goes out with U+FFFD: \(run.out)")
    }

    @Test func anInboundFileThatIsNotUTF8ImportsNothingAndSaysWhere() throws {
        let repo = try repo()
        let bytes: [UInt8] = Array("from,body,received_at\n+64211000001,STOP,2026-11-23T05:00:00Z\n+64211000002,".utf8)
            + [0x53, 0x54, 0x4F, 0x50, 0xA0] + Array(",2026-11-23T05:01:00Z\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: repo.root + "/replies.csv"))
        let result = try repo.crier(["inbound", "replies.csv"])
        #expect(result.code == 65)
        #expect(result.err.contains("replies.csv:3:18: error: the file is not valid UTF-8 text: byte 0xA0 at byte 18 of line 3"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: repo.root + "/state/ledger.sqlite"), "nothing imported")
    }

    @Test func snapshotTextThatIsNotUTF8SkipsTheItemThatUsesIt() throws {
        let repo = try repo()
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "UPDATE appointments SET name = CAST(X'4DE172696F' AS TEXT) WHERE job = 'J1001'")
        }
        try queue.close()
        let plan = try repo.crier(["plan", "--at", Self.at, "--format", "json"])
        #expect(plan.out.contains("\"reason\": \"invalid-text: name\""), "\(plan.out)")
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.err)")
        #expect(repo.outbox().count == 1, "the other row still goes out")
    }

    @Test func planOutputThroughDevNullAndAFIFOWritesInPlace() throws {
        let repo = try repo()
        let null = try repo.crier(["plan", "--at", Self.at, "-o", "/dev/null"])
        #expect(null.code == 0, "\(null.err)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")

        let fifo = repo.root + "/plan.fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        let running = try repo.start(["plan", "--at", Self.at, "--format", "json", "-o", fifo])
        let reader = try #require(FileHandle(forReadingAtPath: fifo))
        let text = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
        #expect(text.hasPrefix("{"), "\(text.prefix(40))")
        #expect(stat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "the FIFO is still a FIFO")

        let file = repo.root + "/plan.json"
        #expect(try repo.crier(["plan", "--at", Self.at, "--format", "json", "-o", file]).code == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == text)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.root).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func theSystemdUnitsVerify() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("contrib/systemd").path
        let folder = NSTemporaryDirectory() + "crier-units-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var units: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
            let text = try String(contentsOfFile: "\(source)/\(name)", encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/crier", with: ConfigRepo.binary)
            // A template is verified through one instance of it.
            let shown = name.replacingOccurrences(of: "@.service", with: "@crier.service.service")
            try text.write(toFile: "\(folder)/\(shown)", atomically: true, encoding: .utf8)
            units.append("\(folder)/\(shown)")
        }
        #expect(units.count == 5)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = ["verify", "--man=no"] + units
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.isEmpty, "\(output)")
        let service = try String(contentsOfFile: source + "/crier.service", encoding: .utf8)
        #expect(service.contains("SuccessExitStatus=75") && service.contains("OnFailure=crier-alert@%n.service"))
        let check = try String(contentsOfFile: source + "/crier-failures.service", encoding: .utf8)
        #expect(check.contains("ExecStart=/usr/local/bin/crier failures") && !check.contains("SuccessExitStatus"),
                "the daily check has no exit status that hides a fault")
    }
}
