import ArgumentParser
import CrierCore
import Foundation

/// `crier plan`: what `run` would do at T, for people (table) or machines (JSON).
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Evaluate what `run` would do at T and print the plan; writes no ledger.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
    }

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(name: .long, help: "table (for people) or json (byte-deterministic, for `crier execute`).")
    var format: Format = .table

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the plan to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        let clock = try evaluation.clock()
        let selection = try evaluation.selection(in: workspace.repository)
        let (plan, diagnostics) = try PlanMaker(workspace: workspace, at: clock.now, selection: selection).makeReadOnly()
        let text = format == .json ? plan.json.rendered() : PlanTable.render(plan, repository: workspace.repository)
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                printError("\(output): error: cannot write the plan: \(error.localizedDescription)")
                throw Exit.usage
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
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

    /// A plan read against the existing ledger (or an empty one), changing nothing; prints
    /// the diagnostics it adds.
    func makeReadOnly() throws -> (Plan, [Diagnostic]) {
        let ledger: any LedgerView = try workspace.ledger { try $0.openForReading() } ?? EmptyLedgerView()
        let snapshot = try workspace.openSnapshot()
        var collector = DiagnosticCollector()
        let plan = try planner().plan(rows: snapshot, ledger: ledger, into: &collector)
        for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        return (plan, collector.diagnostics)
    }

    /// The planner of the workspace at `at` (hashing the snapshot for the plan's header).
    func planner() throws -> Planner {
        Planner(repository: workspace.repository, at: at, snapshotSHA256: try workspace.snapshotSHA256(), selection: selection)
    }
}
