import ArgumentParser
import CrierCore
import CrierDelivery
import Foundation

/// `crier plan`: what `run` would do at T, for people (table) or machines (JSON).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Evaluate what `run` would do at T and print the plan; writes no ledger.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
        case html
    }

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(name: .long, help: "table (for people), json (byte-deterministic, for `crier execute`) or html (a self-contained preview page; use with -o FILE).")
    var format: Format = .table

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the plan to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        let clock = try evaluation.clock()
        let selection = try evaluation.selection(in: workspace.repository)
        try workspace.checkSnapshotAge(at: clock.now)
        let (plan, diagnostics) = try PlanMaker(workspace: workspace, at: clock.now, selection: selection).makeReadOnly()
        try CommandOutput.write(to: output, what: format == .html ? "the plan preview" : "the plan", isPage: format == .html) { write in
            switch format {
            case .table: try write(Array(PlanTable.render(plan, repository: workspace.repository).utf8))
            case .json: try plan.writeJSON(to: write)
            case .html: try write(Array(PlanHTML(plan: plan, repository: workspace.repository).render().utf8))
            }
        }
        let invalid = workspace.hasErrors || diagnostics.contains { $0.severity == .error }
        if invalid { throw Exit.invalid }
    }
}

/// Makes plans for `plan`, `run` and `execute` from a workspace.
struct PlanMaker {
    let workspace: Workspace
    let at: Date
    let selection: Set<String>?

    /// A plan read against the existing ledger (or an empty one), changing nothing, with the
    /// backlog the next run would deliver first; prints the diagnostics it adds.
    func makeReadOnly() throws -> (Plan, [Diagnostic]) {
        let reader = try workspace.ledger { try $0.openForReading() }
        let snapshot = try workspace.openSnapshot()
        var collector = DiagnosticCollector()
        var plan = try planner().plan(rows: snapshot, ledger: reader ?? EmptyLedgerView(), into: &collector)
        for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        guard let reader else { return (plan, collector.diagnostics) }
        // The items earlier runs left pending, each with the delivery gate's verdict at `at`.
        let rules = try workspace.reportingLedgerErrors {
            try DeliveryRules(repository: workspace.repository, rows: snapshot, ledger: reader, at: at)
        }
        plan.backlog = rules.backlog(try workspace.reportingLedgerErrors { try reader.pending() }, at: at)
        let problems = rules.problems.filter { !collector.diagnostics.contains($0) }
        for problem in problems { printError(problem.description) }
        return (plan, collector.diagnostics + problems)
    }

    /// The planner of the workspace at `at` (hashing the snapshot for the plan's header).
    func planner() throws -> Planner {
        var planner = Planner(repository: workspace.repository, at: at, snapshotSHA256: try workspace.snapshotSHA256(), selection: selection)
        planner.attachmentFiles = AttachmentStore(directory: workspace.repository.config.attachmentsDir)
        return planner
    }
}
