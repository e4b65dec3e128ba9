import ArgumentParser
import CrierCore
import CrierSQLite
import Foundation
import Logging

/// `metrics: { textfile: PATH }`: after every `run` and `execute`, the Prometheus text format
/// (0.0.4) for node_exporter's textfile collector, written atomically (a temporary file in the
/// same folder, then rename). crier runs once and exits, so totals are read from the ledger
/// (they survive the process); `crier_last_run_*` describe this run. Families and samples come
/// in a fixed order, so two files differ only where the numbers do.
struct MetricsFile {
    /// One metric family: `# HELP`, `# TYPE` and its samples.
    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double)]
    }

    /// The families, in the order written.
    var families: [Family] = []

    /// Adds a family of one unlabelled sample.
    mutating func add(_ name: String, _ type: String, _ help: String, _ value: Double) {
        families.append(Family(name: name, type: type, help: help, samples: [([], value)]))
    }

    /// Adds a family with labelled samples (sorted by their labels).
    mutating func add(_ name: String, _ type: String, _ help: String, labelled samples: [([(String, String)], Double)]) {
        let sorted = samples.sorted { $0.0.map { $0.1 }.lexicographicallyPrecedes($1.0.map { $0.1 }) }
        families.append(Family(name: name, type: type, help: help, samples: sorted.map { (labels: $0.0, value: $0.1) }))
    }

    /// The exposition text.
    var text: String {
        var out = ""
        for family in families {
            out += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for sample in family.samples {
                out += family.name
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " " + Self.number(sample.value) + "\n"
            }
        }
        return out
    }

    /// A label value with `\`, `"` and newlines escaped, as the format wants.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction, others with up to millisecond precision.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3f", value)
    }

    /// The last success time written in the file at `path`, if any (kept when this run did not succeed).
    static func lastSuccess(in path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let prefix = "crier_last_success_timestamp_seconds "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }
}

/// What one `run` or `execute` did, for the metrics file.
struct RunMetrics {
    var command: String
    var plan: Plan
    var summary: DeliverySummary
    var exit: ExitCode
    /// Wall-clock start and end of the process's work (not `--at`: durations are real).
    var started: Date
    var finished: Date

    /// Writes the metrics file when crier.yaml asks for one. A failure to write is reported
    /// on stderr and in the log, and does not change the run's exit code (delivery is done).
    func write(config: Config, ledger: any Ledger, logger: Logger) {
        guard let path = config.metricsTextfile else { return }
        guard let ledger = ledger as? LedgerStore else {
            printError("\(path): warning: metrics.textfile is written for the SQLite ledger only; this run's ledger is PostgreSQL, so no metrics were written")
            return
        }
        let problem: Diagnostic
        do {
            let text = file(totals: try ledger.totals(), previousSuccess: MetricsFile.lastSuccess(in: path)).text
            try OutputFile.write(Array(text.utf8), to: path)
            return
        } catch let error as OutputFileError {
            problem = .error("cannot write the metrics file (metrics.textfile in \(config.file)): \(error.reason)",
                             at: FileLocation(file: path), hint: "Make the folder writable by the user that runs crier")
        } catch {
            logger.error("cannot count the ledger's items for the metrics file", metadata: ["path": "\(ledger.path)", "error": "\(error)"])
            problem = .error("cannot count the ledger's items for the metrics file, so it was not written", at: FileLocation(file: ledger.path),
                             hint: "Run `crier doctor` to check the ledger")
        }
        printError(problem.description)
        logger.error("cannot write the metrics file", metadata: ["path": "\(path)", "error": "\(problem.message)"])
    }

    /// The families of this run over the ledger's `totals`.
    func file(totals: LedgerTotals, previousSuccess: Double?) -> MetricsFile {
        var file = MetricsFile()
        let end = finished.timeIntervalSince1970
        file.add("crier_runs_total", "counter", "Runs recorded in the ledger, per command.",
                 labelled: totals.runs.map { ([("command", $0.key)], Double($0.value)) })
        file.add("crier_last_run_timestamp_seconds", "gauge", "When the last run or execute finished (Unix time).", end)
        file.add("crier_last_success_timestamp_seconds", "gauge", "When the last run or execute that exited 0 finished (Unix time).",
                 exit == Exit.ok ? end : previousSuccess ?? 0)
        file.add("crier_last_run_exit_code", "gauge", "Exit code of the last run or execute (0 ok, 1 failures, 65 invalid, 75 temporary).",
                 Double(exit.rawValue))
        file.add("crier_last_run_duration_seconds", "gauge", "Wall-clock seconds the last run or execute took.",
                 finished.timeIntervalSince(started))
        file.add("crier_last_run_deliveries", "gauge", "Deliveries of the last run by outcome.", labelled: [
            ([("outcome", "sent")], Double(summary.sent)), ([("outcome", "failed")], Double(summary.failed)),
            ([("outcome", "left_for_retry")], Double(summary.leftForRetry)), ([("outcome", "uncertain")], Double(summary.uncertain)),
            ([("outcome", "daily_cap")], Double(summary.heldByCap)),
        ])
        var decisions: [[String]: Int] = [:]
        for decision in plan.schedules { decisions[[decision.schedule, decision.status.rawValue], default: 0] += 1 }
        file.add("crier_last_run_slots", "gauge", "Slot decisions of the last run per schedule (due, already-run, missed, ...).",
                 labelled: decisions.map { ([("schedule", $0.key[0]), ("status", $0.key[1])], Double($0.value)) })
        file.add("crier_slots_total", "counter", "Cron slots recorded in the ledger per schedule and outcome (ran, missed).",
                 labelled: totals.slots.map { ([("schedule", $0.key.schedule), ("status", $0.key.status)], Double($0.value)) })
        file.add("crier_items", "gauge", "Items in the ledger per schedule, channel and state.",
                 labelled: totals.items.map { ([("schedule", $0.key.schedule), ("channel", $0.key.channel), ("state", $0.key.state)], Double($0.value)) })
        file.add("crier_pending_items", "gauge", "Items waiting for delivery (quiet hours, daily cap, transient faults).",
                 Double(totals.count(state: "pending")))
        file.add("crier_uncertain_items", "gauge", "Items whose delivery was interrupted: check them, then `crier retry --uncertain`.",
                 Double(totals.count(state: "uncertain")))
        file.add("crier_failed_items", "gauge", "Items whose delivery failed for good (`crier failures`).",
                 Double(totals.count(state: "failed")))
        return file
    }
}
