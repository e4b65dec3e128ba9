import CrierTestSupport
import Foundation
import GRDB
import Testing

/// `metrics: { textfile: PATH }`: the file `run` leaves for node_exporter, checked with
/// Prometheus's own `promtool check metrics` and read back value by value.
@Suite("metrics textfile, end to end")
struct MetricsEndToEndTests {
    /// `promtool check metrics` over `text`: (exit code, what it said).
    func promtool(_ text: String) throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["promtool", "check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    /// The value of the sample written exactly as `series` (`name{labels}`), if present.
    func value(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func aRunWritesTheFileAtomicallyAndPromtoolAcceptsIt() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let config = SMTPEndToEndTests.config(smtp: "url: \(server.url)\ntls: none") + "\nmetrics: { textfile: node-exporter/crier.prom }\n"
        let repo = try ConfigRepo(config: config, schedules: ["visit.yaml": SMTPEndToEndTests.schedule],
                                  templates: ["visit.email.mustache": SMTPEndToEndTests.template])
        try FileManager.default.createDirectory(atPath: repo.root + "/node-exporter", withIntermediateDirectories: true)
        // One appointment on the morning of the 24th (New Zealand), one refused recipient on the 25th.
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, email TEXT, name TEXT)")
            try db.execute(sql: "INSERT INTO appointments VALUES ('J1', '2026-11-23T20:00:00Z', 'client1@example.net', 'One'), ('J2', '2026-11-24T20:00:00Z', 'reject2@example.net', 'Two')")
        }
        try queue.close()
        let path = repo.root + "/node-exporter/crier.prom"

        let first = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(first.code == 0, "\(first.out)\(first.err)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let check = try promtool(text)
        #expect(check.code == 0, "promtool: \(check.output)\n\(text)")
        #expect(value(text, "crier_runs_total{command=\"run\"}") == 1)
        #expect(value(text, "crier_items{schedule=\"visit\",channel=\"email\",state=\"sent\"}") == 1, "\(text)")
        #expect(value(text, "crier_last_run_deliveries{outcome=\"sent\"}") == 1)
        #expect(value(text, "crier_last_run_slots{schedule=\"visit\",status=\"due\"}") == 1, "\(text)")
        #expect(value(text, "crier_slots_total{schedule=\"visit\",status=\"ran\"}") == 1)
        #expect(value(text, "crier_last_run_exit_code") == 0)
        #expect(value(text, "crier_pending_items") == 0)
        let success = try #require(value(text, "crier_last_success_timestamp_seconds"))
        #expect(abs(success - Date().timeIntervalSince1970) < 300, "wall-clock time, not --at")
        #expect((value(text, "crier_last_run_duration_seconds") ?? -1) >= 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: repo.root + "/node-exporter")
        #expect(leftovers == ["crier.prom"], "no temporary file is left: \(leftovers)")

        let second = try repo.crier(["run", "--at", "2026-11-24T17:00:00+13:00"])
        #expect(second.code == 1, "\(second.out)")
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try promtool(after).code == 0)
        #expect(value(after, "crier_runs_total{command=\"run\"}") == 2)
        #expect(value(after, "crier_last_run_exit_code") == 1)
        #expect(value(after, "crier_failed_items") == 1)
        #expect(value(after, "crier_items{schedule=\"visit\",channel=\"email\",state=\"failed\"}") == 1)
        #expect(value(after, "crier_last_success_timestamp_seconds") == success, "a failed run keeps the last success")
    }

    @Test func anUnwritableTextfileIsNamedAndDeliveryStillCounts() throws {
        let repo = try ConfigRepo(config: ConfigRepo.defaultConfig + "\nmetrics:\n  textfile: missing-folder/crier.prom\n",
                                  schedules: ["reminder.yaml": ConfigRepo.reminder], templates: ["reminder.sms.mustache": ConfigRepo.reminderTemplate])
        try repo.makeSnapshot(count: 2) { _ in "2026-11-23T20:00:00Z" }
        let run = try repo.crier(["run", "--at", "2026-11-23T17:00:00+13:00"])
        #expect(run.code == 0, "the deliveries went out: \(run.err)")
        #expect(repo.outbox().count == 2)
        #expect(run.err.contains("missing-folder/crier.prom: error: cannot write the metrics file (metrics.textfile in crier.yaml)"), "\(run.err)")
    }

    @Test func anUnknownMetricsKeyIsAConfigError() throws {
        let repo = try ConfigRepo(config: ConfigRepo.defaultConfig + "\nmetrics:\n  textfil: x.prom\n", schedules: [:], templates: [:])
        let validate = try repo.crier(["validate"])
        #expect(validate.code == 65)
        #expect(validate.err.contains("unknown key \"textfil\" in metrics"), "\(validate.err)")
    }
}
