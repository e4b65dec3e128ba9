import ArgumentParser
import CrierCore
import Foundation

/// `crier retry (ITEM_ID... | --failed [--since 24h] | --uncertain ITEM_ID...)`: puts failed
/// items (or uncertain ones, named one by one) back to pending under the run lock; the next
/// run delivers them through the delivery-time rules.
struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put failed items (or uncertain ones, named one by one) back to pending for the next run.",
        discussion: """
            Takes the run lock (exit 75 while a run holds it). Each item gets a `retried` event naming who \
            and what it was (`crier history --item ID`). The next `crier run` delivers the items through \
            the delivery-time rules: opt-outs, expiry, quiet hours and the daily cap.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Argument(help: ArgumentHelp("Items to put back, by id (`crier failures` lists them).", valueName: "ITEM_ID"))
    var ids: [String] = []

    @Flag(name: .long, help: "Put back every item that failed in the window instead of naming them.")
    var failed = false

    @Flag(name: .long, help: "The named items may be uncertain (their message may have reached the recipient): never in bulk.")
    var uncertain = false

    @Option(name: .long, help: ArgumentHelp("With --failed: how far back to look (30m, 24h, 5d; default 24h).", valueName: "SPAN"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("The clock (ISO 8601 with offset); default now.", valueName: "T"))
    var at: String?

    func run() throws {
        let now = try at.map(EvaluationOptions.instant) ?? SystemClock().now
        let selection = try self.selection(now: now)
        let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
        guard let ledger = try workspace.ledger(clock: FixedClock(now), Self.openIfAny) else {
            let location = workspace.repository.config.ledgerPath
            if case .failed = selection {
                print("No ledger yet at \(location): nothing has run, nothing to retry.")
                return
            }
            printError("error: no ledger yet at \(location): nothing has run, so it holds no item \(ids.joined(separator: ", "))")
            throw Exit.usage
        }
        let info = ProcessInfo.processInfo
        let outcome = try Retry(actor: "\(info.userName) on \(info.hostName)").run(selection, ledger: ledger, at: now)
        guard outcome.refusals.isEmpty else {
            for refusal in outcome.refusals { printError("error: \(refusal)") }
            printError("Nothing was put back: fix the ids above and run crier retry again.")
            throw Exit.usage
        }
        for id in outcome.alreadyPending { print("Item \(id) is pending already: the next run delivers it.") }
        for id in outcome.requeued { print("Put back to pending: \(id)") }
        if outcome.requeued.isEmpty {
            if case .failed = selection {
                let waiting = try ledger.stateCounts()[.pending] ?? 0
                print("No failed items in the last \(since ?? "24h"): nothing to retry."
                      + (waiting > 0 ? " \(waiting) item(s) are pending: the next run delivers them." : ""))
            }
            return
        }
        print("\(outcome.requeued.count) item(s) put back to pending: the next `crier run` delivers them "
              + "(opt-outs, expiry, quiet hours and the daily cap are checked again then).")
    }

    /// The ledger under the run lock, migrated when older; nil when there is none (a retry
    /// creates no ledger).
    private static func openIfAny(_ storage: any LedgerStorage) throws -> (any Ledger)? {
        do {
            guard try storage.openForReading() != nil else { return nil }
        } catch LedgerError.olderSchema {
            // The run lock's open migrates it.
        }
        return try storage.openForRun()
    }

    /// The selection the flags name (`--since` counts back from `now`); exits 64 for a
    /// combination that does not say which items.
    private func selection(now: Date) throws -> Retry.Selection {
        func usage(_ message: String) -> any Error {
            printError("error: \(message)")
            return Exit.usage
        }
        if failed {
            guard ids.isEmpty, !uncertain else {
                throw usage(uncertain ? "uncertain items are retried one by one, never in bulk: name each with `crier retry --uncertain ITEM_ID...`"
                                      : "--failed puts back every failed item: give it no ITEM_ID (or name the items without --failed)")
            }
            let span = since ?? "24h"
            guard let seconds = DurationText.seconds(span) else {
                throw usage("--since \"\(span)\" is not \(DurationText.examples)")
            }
            return .failed(since: now.addingTimeInterval(-TimeInterval(seconds)))
        }
        if since != nil { throw usage("--since goes with --failed (crier retry --failed --since 24h)") }
        guard !ids.isEmpty else {
            throw usage("say which items: crier retry ITEM_ID..., crier retry --failed [--since 24h] or crier retry --uncertain ITEM_ID...")
        }
        return uncertain ? .uncertain(ids) : .named(ids)
    }
}
