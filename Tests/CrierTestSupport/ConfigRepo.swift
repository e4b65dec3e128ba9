import Foundation
import GRDB

/// A temporary config repository with a small snapshot, and a way to run the built `crier`
/// binary in it: what a user meets.
package struct ConfigRepo {
    package let root: String

    /// The `crier` binary next to the test bundle (or `CRIER_BIN`).
    package static var binary: String {
        if let path = ProcessInfo.processInfo.environment["CRIER_BIN"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle, bundle.deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("crier").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return bundle.appendingPathComponent("crier").path
    }

    /// A repository with `crier.yaml`, the given schedules and templates (name → text).
    package init(config: String = ConfigRepo.defaultConfig, schedules: [String: String], templates: [String: String]) throws {
        root = NSTemporaryDirectory() + "crier-e2e-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/schedules", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/templates", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try config.write(toFile: root + "/crier.yaml", atomically: true, encoding: .utf8)
        for (name, text) in schedules { try text.write(toFile: "\(root)/schedules/\(name)", atomically: true, encoding: .utf8) }
        for (name, text) in templates { try text.write(toFile: "\(root)/templates/\(name)", atomically: true, encoding: .utf8) }
    }

    package static let defaultConfig = """
        timezone: Pacific/Auckland
        snapshot: data/snapshot.sqlite
        ledger: state/ledger.sqlite
        catch_up: 6h
        email:
          from: "Acme Services <noreply@acme.example>"
        sms:
          default_region: NZ
        outbox: outbox
        """

    /// A daily 17:00 reminder for tomorrow's appointments.
    package static let reminder = """
        cron: "0 17 * * *"
        channel: sms
        template: reminder
        trigger:
          upcoming: { interval: 1 day, at: starts_at }
        query: |
          SELECT job AS key, starts_at, phone AS recipient, name FROM appointments
          WHERE starts_at >= :window_start AND starts_at < :window_end
          ORDER BY starts_at
        """

    package static let reminderTemplate = "Hi {{name}}, see you {{at.weekday}} at {{at.time}} (job {{key}}).\n"

    /// Writes `data/snapshot.sqlite` with `count` appointments on `day` (UTC times from 20:00
    /// the day before, i.e. the morning of `day` in New Zealand), one job each.
    package func makeSnapshot(count: Int, startsAt: (Int) -> String) throws {
        let path = root + "/data/snapshot.sqlite"
        try? FileManager.default.removeItem(atPath: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, phone TEXT, name TEXT)")
            let insert = try db.makeStatement(sql: "INSERT INTO appointments VALUES (?, ?, ?, ?)")
            for n in 0..<count {
                try insert.execute(arguments: ["J\(1000 + n)", startsAt(n), "021 \(String(format: "%07d", 1_000_000 + n))", "Client \(n)"])
            }
        }
        try queue.close()
    }

    /// Runs `crier ARGS` in the repository.
    @discardableResult
    package func crier(_ arguments: [String], environment: [String: String] = [:]) throws -> (code: Int32, out: String, err: String) {
        let process = try start(arguments, environment: environment)
        process.process.waitUntilExit()
        return (process.process.terminationStatus, process.output(), process.errors())
    }

    /// Starts `crier ARGS` without waiting.
    package func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCrier {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = root + "/.out-\(UUID().uuidString)", err = root + "/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        return RunningCrier(process: process, outPath: out, errPath: err)
    }

    /// Names of the files in `outbox/sms` (or another outbox folder).
    package func outbox(_ folder: String = "sms") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(root)/outbox/\(folder)")) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// One query's integer answer from the ledger.
    package func ledgerCount(_ sql: String) throws -> Int {
        let queue = try DatabaseQueue(path: root + "/state/ledger.sqlite")
        defer { try? queue.close() }
        return try queue.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

/// A started crier process with its captured output.
package struct RunningCrier {
    package let process: Process
    package let outPath: String
    package let errPath: String

    package func output() -> String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    package func errors() -> String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
}
