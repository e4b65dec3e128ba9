import ArgumentParser
import CrierCore
import Foundation

/// `crier failures`: failed and uncertain deliveries with their errors; exits 1 when there
/// are any, so that cron's MAILTO or systemd's OnFailure= alerts someone.
struct Failures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Failed and uncertain deliveries in a time window, with their error messages; exits 1 when there are any.")

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("How far back to look (30m, 24h, 5d).", valueName: "SPAN"))
    var since: String = "24h"

    @Option(name: .long, help: ArgumentHelp("The clock (ISO 8601 with offset); default now.", valueName: "T"))
    var at: String?

    func run() throws {
        guard let seconds = DurationText.seconds(since) else {
            printError("error: --since \"\(since)\" is not \(DurationText.examples)")
            throw Exit.usage
        }
        let now = try at.map(EvaluationOptions.instant) ?? SystemClock().now
        let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
        guard let ledger = try workspace.ledger({ try $0.openForReading() }) else {
            print("No ledger yet: nothing has run, nothing failed.")
            return
        }
        let entries = try ledger.failures(since: now.addingTimeInterval(-TimeInterval(seconds)))
        guard !entries.isEmpty else {
            print("No failed or uncertain deliveries in the last \(since).")
            return
        }
        var rows = [["UPDATED (UTC)", "SCHEDULE", "KEY", "RECIPIENT", "STATE", "ERROR"]]
        for entry in entries {
            rows.append([entry.updatedAt, entry.schedule, entry.key, entry.recipient, entry.state, entry.error ?? ""])
        }
        print(PlanTable.table(rows), terminator: "")
        print("\n\(entries.count) failed or uncertain deliver\(entries.count == 1 ? "y" : "ies") in the last \(since).")
        throw Exit.deliveriesFailed
    }
}
