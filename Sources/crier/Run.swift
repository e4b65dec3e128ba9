import ArgumentParser
import CrierCore
import CrierDelivery
import CrierSQLite
import Foundation
import Logging

/// `crier run`: plan, record the plan in the ledger, deliver, summarise.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plan at T, record the plan in the ledger, deliver it, print a summary.")

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Flag(name: .long, help: "Plan and print what would be sent; record and send nothing.")
    var dryRun = false

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        let clock = try evaluation.clock()
        let selection = try evaluation.selection(in: workspace.repository)
        let at = clock.now
        let maker = PlanMaker(workspace: workspace, at: at, selection: selection)
        if dryRun {
            let (plan, diagnostics) = try maker.makeReadOnly()
            print(PlanTable.render(plan, repository: workspace.repository), terminator: "")
            print("dry run: nothing recorded, nothing sent")
            throw Exit.combine(invalid: workspace.hasErrors || diagnostics.contains { $0.severity == .error }, failed: false, temporary: false)
        }
        let session = try LedgerSession.open(workspace: workspace)
        let runID = try session.ledger.beginRun(command: "run", at: at, clock: clock.now)
        let (plan, diagnostics) = try maker.make(ledger: session.ledger)
        let recorded = try session.ledger.record(plan, runID: runID, at: clock.now)
        let summary = try session.deliver(runID: runID, clock: clock)
        let invalid = workspace.hasErrors || diagnostics.contains { $0.severity == .error }
        let code = Exit.combine(invalid: invalid, failed: summary.failed > 0 || summary.uncertain > 0, temporary: summary.leftForRetry > 0)
        let line = RunSummary.line(plan: plan, recorded: recorded, summary: summary)
        try session.ledger.finishRun(runID, outcome: line, at: clock.now)
        print(RunSummary.render(plan: plan, recorded: recorded, summary: summary))
        throw code
    }
}

/// A locked, open ledger with the transports of the config: what `run` and `execute` share.
struct LedgerSession {
    let workspace: Workspace
    let lock: LedgerLock
    let ledger: LedgerStore

    /// Takes the ledger lock (exit 75 when another run holds it) and opens the ledger.
    static func open(workspace: Workspace) throws -> LedgerSession {
        let path = workspace.repository.config.ledgerPath
        let lock: LedgerLock
        do {
            lock = try LedgerLock(ledgerPath: path)
        } catch let error as LedgerLockError {
            printError("\(error)")
            if case .held = error { throw Exit.temporary }
            throw Exit.invalid
        }
        do {
            return LedgerSession(workspace: workspace, lock: lock, ledger: try LedgerStore(path: path))
        } catch {
            printError("\(path): error: cannot open the ledger: \(error)")
            throw Exit.invalid
        }
    }

    /// Delivers everything pending (this plan's items and any left by earlier runs).
    func deliver(runID: Int64, clock: any Clock) throws -> DeliverySummary {
        let config = workspace.repository.config
        let outbox = OutboxTransport(directory: config.outboxPath)
        var logger = Logger(label: "crier.delivery")
        logger[metadataKey: "run"] = "\(runID)"
        var dispatcher = Dispatcher(
            ledger: ledger, transports: [.sms: outbox, .email: outbox],
            builder: MessageBuilder(email: config.email, timeZone: config.timeZone), clock: clock, logger: logger)
        if let pace = ProcessInfo.processInfo.environment["CRIER_DELIVERY_PACE_MS"].flatMap(Double.init) {
            dispatcher.pace = pace / 1000
        }
        if config.email.transport != .outbox || config.sms.transport != .outbox {
            logger.warning("only the outbox transport is built yet; delivering to the outbox", metadata: ["outbox": "\(config.outboxPath)"])
        }
        try ledger.withdrawOptedOut(runID: runID, at: clock.now)
        return try dispatcher.run(runID: runID)
    }
}

/// The end-of-run summary.
enum RunSummary {
    static func line(plan: Plan, recorded: RecordResult, summary: DeliverySummary) -> String {
        "planned \(recorded.pending) new, sent \(summary.sent), failed \(summary.failed), left for retry \(summary.leftForRetry), uncertain \(summary.uncertain)"
    }

    static func render(plan: Plan, recorded: RecordResult, summary: DeliverySummary) -> String {
        var out = "crier run at \(Timestamp.utc(plan.at))\n"
        for decision in plan.schedules {
            var line = "  \(decision.schedule): \(decision.status.rawValue)"
            if let slot = decision.slot { line += " slot \(slot)" }
            if let occurrence = decision.occurrence { line += " occurrence \(occurrence)" }
            if let rows = decision.rows { line += ", \(rows) row(s)" }
            out += line + "\n"
        }
        var reasons: [String: Int] = [:]
        for item in plan.items where item.action == .skip { reasons[item.reason ?? "", default: 0] += 1 }
        out += "  sent \(summary.sent), failed \(summary.failed), left for retry \(summary.leftForRetry), uncertain \(summary.uncertain)"
        if summary.reconciled > 0 { out += ", confirmed after a crash \(summary.reconciled)" }
        out += "\n"
        if !reasons.isEmpty {
            out += "  skipped: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for error in summary.errors.prefix(20) { out += "  error \(error.id): \(error.message)\n" }
        if summary.errors.count > 20 { out += "  ... \(summary.errors.count - 20) more: see `crier history`\n" }
        return out
    }
}
