import ArgumentParser
import CrierCore
import CrierSQLite
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
                try OutputFile.write(Array(text.utf8), to: output)
            } catch {
                printError(error.description)
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

    /// A plan read against the existing ledger (or an empty one), changing nothing.
    func makeReadOnly() throws -> (Plan, [Diagnostic]) {
        let ledger: any LedgerView
        do {
            ledger = try LedgerStore.openExisting(path: workspace.repository.config.ledgerPath) ?? EmptyLedgerView()
        } catch {
            printError("\(workspace.repository.config.ledgerPath): error: cannot open the ledger: \(error)")
            throw Exit.invalid
        }
        return try make(ledger: ledger)
    }

    /// A plan against `ledger`; prints the diagnostics it adds.
    func make(ledger: any LedgerView) throws -> (Plan, [Diagnostic]) {
        let snapshot = try workspace.openSnapshot()
        let planner = Planner(repository: workspace.repository, at: at, snapshotSHA256: try workspace.snapshotSHA256(), selection: selection)
        var collector = DiagnosticCollector()
        let plan = planner.plan(rows: snapshot, ledger: ledger, into: &collector)
        for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        return (plan, collector.diagnostics)
    }
}
