import CrierTestSupport
import Foundation
import Testing

/// The delivery progress line: on a terminal for runs over a few seconds, never in captured output.
@Suite("delivery progress line, end to end", .serialized)
struct ProgressEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"
    /// 40 deliveries by the outbox's four workers, each pausing 400 ms after each: about 4 s,
    /// over the 2 s after which the line appears.
    static let slow = ["CRIER_DELIVERY_PACE_MS": "400"]

    func repo() throws -> ConfigRepo {
        let repo = try ConfigRepo(schedules: ["reminder.yaml": ConfigRepo.reminder],
                                  templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 40) { n in String(format: "2026-11-23T%02d:%02d:00Z", 19 + n / 60, n % 60) }
        return repo
    }

    @Test func noProgressLineWhenOutputIsCaptured() throws {
        let repo = try repo()
        let run = try repo.crier(["run", "--at", Self.at], environment: Self.slow)
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("sent 40,"))
        #expect(!run.err.contains("delivering"), "progress in captured output: \(run.err)")
        #expect(!(run.out + run.err).contains("\r"))
    }

    @Test func progressLineOnATerminal() throws {
        let repo = try repo()
        // script(1) runs crier on a pseudo-terminal and copies what it shows into `typescript`.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", "'\(ConfigRepo.binary)' run --at \(Self.at)", repo.root + "/typescript"]
        process.currentDirectoryURL = URL(fileURLWithPath: repo.root)
        process.environment = ProcessInfo.processInfo.environment.merging(Self.slow) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let shown = try String(contentsOfFile: repo.root + "/typescript", encoding: .utf8)
        let line = try Regex(#"\r\u{1B}\[Kdelivering (\d+)/40 · [\d.]+/s · about \d+s left"#)
        let counts = shown.matches(of: line).compactMap { Int($0.output[1].substring ?? "") }
        #expect(!counts.isEmpty, "no progress line in: \(shown.debugDescription)")
        #expect(counts == counts.sorted() && counts.allSatisfy { $0 >= 15 && $0 <= 40 }, "\(counts)")
        #expect(shown.contains("sent 40,"))
    }
}
