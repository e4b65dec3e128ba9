import ArgumentParser
import CrierCore
import Foundation

/// `crier failures`: failed and uncertain deliveries with their errors, and items pending for
/// over an hour with their last error (a fault that stops a transport leaves them so); exits 1
/// when it lists anything, so that cron's MAILTO or systemd's OnFailure= alerts someone.
struct Failures: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Failed and uncertain deliveries in a time window, and items pending for over an hour, with their errors; exits 1 when it lists any.")

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("How far back to look (30m, 24h, 5d).", valueName: "SPAN"))
    var since: String = "24h"

    @Option(name: .long, help: ArgumentHelp("The clock (ISO 8601 with offset); default now.", valueName: "T"))
    var at: String?

    /// How long an item may wait in `pending` before it is listed (SPEC §7).
    static let waitingTooLong: TimeInterval = 3600

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
        let waiting = try ledger.waitingPending(since: now.addingTimeInterval(-Self.waitingTooLong))
        guard !entries.isEmpty || !waiting.isEmpty else {
            print("No failed or uncertain deliveries in the last \(since), and nothing pending for over an hour.")
            return
        }
        if !entries.isEmpty {
            var rows = [["ID", "UPDATED (UTC)", "SCHEDULE", "KEY", "RECIPIENT", "STATE", "ERROR"]]
            for entry in entries {
                rows.append([entry.id, entry.updatedAt, entry.schedule, entry.key, entry.recipient, entry.state, entry.error ?? ""])
            }
            print(PlanTable.table(rows), terminator: "")
            print("\n\(entries.count) failed or uncertain deliver\(entries.count == 1 ? "y" : "ies") in the last \(since). "
                  + "Once the cause is fixed, `crier retry --failed` (or `crier retry --uncertain ITEM_ID` for an uncertain one) puts them back.")
        }
        if !waiting.isEmpty {
            if !entries.isEmpty { print("") }
            var rows = [["ID", "WAITING SINCE (UTC)", "SCHEDULE", "KEY", "RECIPIENT", "LAST ERROR"]]
            for entry in waiting {
                rows.append([entry.id, entry.waitingSince ?? "", entry.schedule, entry.key, entry.recipient,
                             entry.error ?? "no error recorded: held (quiet hours, daily cap) or no run since"])
            }
            print(PlanTable.table(rows), terminator: "")
            print("\n\(waiting.count) item(s) pending for over an hour: the next run delivers them once the error above is fixed.")
        }
        throw Exit.deliveriesFailed
    }
}
