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
        let started = Date()
        let workspace = try Workspace.load(configPath: configOptions.config)
        let clock = try evaluation.clock()
        let selection = try evaluation.selection(in: workspace.repository)
        try workspace.checkSnapshotAge(at: clock.now)
        let maker = PlanMaker(workspace: workspace, at: clock.now, selection: selection)
        if dryRun {
            let (plan, diagnostics) = try maker.makeReadOnly()
            print(PlanTable.render(plan, repository: workspace.repository), terminator: "")
            print("dry run: nothing recorded, nothing sent")
            throw Exit.combine(invalid: workspace.hasErrors || diagnostics.contains { $0.severity == .error }, failed: false, temporary: false)
        }
        try workspace.refuseInvalidConfig()
        // A missing secret is named before anything is recorded; its transport then delivers
        // nothing (no AUTH without a password) and its items wait in the ledger with the error.
        for problem in SecretCheck.warnings(config: workspace.repository.config, environment: ProcessInfo.processInfo.environment) {
            printError(problem.description)
        }
        let planner = try maker.planner()
        let snapshot = try workspace.openSnapshot()
        let pipeline = try LedgerSession.pipeline(workspace: workspace, clock: clock)
        let report = try pipeline.run(command: "run", planner: planner, rows: snapshot)
        for diagnostic in report.diagnostics { printError(diagnostic.description) }
        print(report.text)
        let code = Exit.of(report, invalid: workspace.hasErrors)
        RunMetrics(command: "run", plan: report.plan, summary: report.summary, exit: code, started: started, finished: Date())
            .write(config: workspace.repository.config, ledger: pipeline.ledger, logger: Logger(label: "crier.metrics"))
        throw code
    }
}

/// The adapters of a run: the ledger opened for it (holding the run lock) and the delivery
/// runtime with the transports of the config. What `run` and `execute` share.
enum LedgerSession {
    /// Takes the ledger's run lock (exit 75 when another run holds it), opens the ledger and
    /// builds the delivery runtime.
    static func pipeline(workspace: Workspace, clock: any Clock) throws -> RunPipeline {
        let ledger = try workspace.ledger(clock: clock) { try $0.openForRun() }
        return RunPipeline(ledger: ledger, delivery: dispatcher(config: workspace.repository.config, clock: clock), clock: clock)
    }

    /// The delivery runtime for `config` (with the test hooks CRIER_DELIVERY_PACE_MS and
    /// CRIER_RETRY_DELAY_MS).
    static func dispatcher(config: Config, clock: any Clock) -> Dispatcher {
        let logger = Logger(label: "crier.delivery")
        var dispatcher = Dispatcher(
            transports: Self.transports(config: config, clock: clock),
            builder: MessageBuilder(email: config.email, timeZone: config.timeZone, attachments: AttachmentStore(directory: config.attachmentsDir)),
            clock: clock, logger: logger)
        if let pace = ProcessInfo.processInfo.environment["CRIER_DELIVERY_PACE_MS"].flatMap(Double.init) {
            dispatcher.pace = pace / 1000
        }
        dispatcher.progress = ProgressLine.onTerminal()
        let workers = Self.workers(config: config, transports: dispatcher.transports)
        if workers > 1 {
            dispatcher.extraWorkers = (1..<workers).map { _ in Self.transports(config: config, clock: clock) }
        }
        if let smtp = config.email.smtp, !config.smtpChannels.isEmpty, let rate = smtp.ratePerSecond, rate > 0 {
            dispatcher.throttle = Throttle(perSecond: rate, channels: config.smtpChannels)
        }
        if let retryDelay = ProcessInfo.processInfo.environment["CRIER_RETRY_DELAY_MS"].flatMap(Double.init) {
            dispatcher.policy = DeliveryAttempts(maxAttempts: dispatcher.policy.maxAttempts, baseDelay: retryDelay / 1000)
        }
        return dispatcher
    }

    /// Items delivered at once when every channel goes into the outbox: each file is synced
    /// before the next, and a disk takes several syncs at once about as fast as one, so four
    /// writers deliver 10,000 emails in about half the time of one (docs/benchmarks.md, "The
    /// outbox with four writers").
    static let outboxWorkers = 4

    /// How many workers deliver at once: `email.smtp.connections` when SMTP carries a channel
    /// (each worker holds one connection; the other channels' transports follow that number, as
    /// before), `outboxWorkers` when the outbox carries every channel, otherwise one.
    static func workers(config: Config, transports: [Channel: any Transport]) -> Int {
        if let smtp = config.email.smtp, !config.smtpChannels.isEmpty { return max(1, smtp.connections) }
        return transports.values.allSatisfy { $0 is OutboxTransport } ? outboxWorkers : 1
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
