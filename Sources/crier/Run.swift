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
        let code = Exit.combine(invalid: invalid || summary.hasConfigurationFault, failed: summary.failed > 0 || summary.uncertain > 0, temporary: summary.leftForRetry > 0)
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
        } catch let error as LedgerAccessError {
            printError("\(error)")
            throw Exit.invalid
        } catch {
            printError("\(path): error: cannot open the ledger: \(error)")
            throw Exit.invalid
        }
    }

    /// Delivers everything pending (this plan's items and any left by earlier runs).
    func deliver(runID: Int64, clock: any Clock) throws -> DeliverySummary {
        let config = workspace.repository.config
        var logger = Logger(label: "crier.delivery")
        logger[metadataKey: "run"] = "\(runID)"
        var dispatcher = Dispatcher(
            ledger: ledger, transports: Self.transports(config: config, clock: clock),
            builder: MessageBuilder(email: config.email, timeZone: config.timeZone), clock: clock, logger: logger)
        if let pace = ProcessInfo.processInfo.environment["CRIER_DELIVERY_PACE_MS"].flatMap(Double.init) {
            dispatcher.pace = pace / 1000
        }
        let smtpChannels = config.smtpChannels
        if let smtp = config.email.smtp, !smtpChannels.isEmpty {
            if smtp.connections > 1 {
                dispatcher.extraWorkers = (1..<smtp.connections).map { _ in Self.transports(config: config, clock: clock) }
            }
            if let rate = smtp.ratePerSecond, rate > 0 {
                dispatcher.throttle = Throttle(perSecond: rate, channels: smtpChannels)
            }
            if let limit = smtp.maxPerDay {
                let used = try ledger.sentCount(channels: smtpChannels, since: DailyCap.startOfDay(clock.now, in: config.timeZone))
                dispatcher.dailyCap = DailyCap(limit: limit, alreadySent: used, channels: smtpChannels)
            }
        }
        if let retryDelay = ProcessInfo.processInfo.environment["CRIER_RETRY_DELAY_MS"].flatMap(Double.init) {
            dispatcher.policy = DeliveryAttempts(maxAttempts: dispatcher.policy.maxAttempts, baseDelay: retryDelay / 1000)
        }
        try ledger.withdrawOptedOut(runID: runID, at: clock.now)
        return try dispatcher.run(runID: runID)
    }

    /// The transport of each channel, as the config chooses (the loader checked that the
    /// settings each choice needs are there; the outbox stands in when they are not).
    static func transports(config: Config, clock: any Clock) -> [Channel: any Transport] {
        let outbox = OutboxTransport(directory: config.outboxPath)
        var email: any Transport = outbox
        if config.email.transport == .smtp, let smtp = config.email.smtp {
            email = SMTPTransport(settings: smtp)
        }
        var sms: any Transport = outbox
        switch config.sms.transport {
        case .outbox:
            break
        case .http:
            if let http = config.sms.http { sms = HTTPSMSTransport(settings: http) }
        case .emailGateway:
            if let domain = config.sms.emailGatewayDomain, let from = config.email.from {
                sms = EmailGatewaySMSTransport(domain: domain, from: from, email: email, clock: clock, timeZone: config.timeZone)
            }
        }
        return [.email: email, .sms: sms]
    }
}

/// The end-of-run summary.
enum RunSummary {
    static func line(plan: Plan, recorded: RecordResult, summary: DeliverySummary) -> String {
        "planned \(recorded.pending) new, sent \(summary.sent), failed \(summary.failed), left for retry \(summary.leftForRetry), uncertain \(summary.uncertain), daily-cap \(summary.heldByCap)"
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
        if summary.heldByCap > 0 { out += ", waiting for room under max_per_day \(summary.heldByCap)" }
        out += "\n"
        if !reasons.isEmpty {
            out += "  skipped: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for error in summary.errors.prefix(20) { out += "  error \(error.id): \(error.message)\n" }
        if summary.errors.count > 20 { out += "  ... \(summary.errors.count - 20) more: see `crier history`\n" }
        return out
    }
}
