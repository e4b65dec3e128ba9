import ArgumentParser
import CrierCore
import Foundation
import Logging

/// `crier execute PLAN.json`: deliver a previewed plan, if nothing changed since.
struct Execute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deliver a plan written by `plan --format json`, refusing one whose config or snapshot changed since.")

    @OptionGroup var configOptions: ConfigOptions

    @Argument(help: ArgumentHelp("The plan file.", valueName: "PLAN.json"))
    var planFile: String

    @Option(name: .long, help: ArgumentHelp("The clock for what is recorded (ISO 8601); default now.", valueName: "T"))
    var at: String?

    func run() throws {
        let started = Date()
        let workspace = try Workspace.load(configPath: configOptions.config)
        try workspace.refuseInvalidConfig()
        let (document, planAt): (PlanDocument, Date)
        do throws(PlanFileError) {
            (document, planAt) = try read(workspace: workspace)
        } catch {
            printError(error.diagnostic.description)
            throw error == .unreadable(planFile) ? Exit.usage : Exit.invalid
        }
        if document.snapshotSHA256 != (try workspace.snapshotSHA256()) {
            printError(PlanFileError.snapshotChanged(planFile).diagnostic.description)
            throw Exit.invalid
        }
        let clock: any Clock = try at.map { FixedClock(try EvaluationOptions.instant($0)) } ?? SystemClock()
        var plan = Plan(at: planAt, configSHA256: document.configSHA256, snapshotSHA256: document.snapshotSHA256,
                        schedules: document.schedules, items: document.items,
                        stateUpdates: document.state ?? [], definitions: document.definitions ?? [:],
                        changeGenerations: document.generations ?? [:])
        // Slots that ran since the plan was made are lost to the run that recorded them: their
        // items are not recorded twice.
        let pipeline = try LedgerSession.pipeline(workspace: workspace, clock: clock)
        try refuseEdited(&plan, workspace: workspace, ledger: pipeline.ledger)
        let report = try pipeline.execute(plan, command: "execute", repository: workspace.repository, rows: try workspace.openSnapshot())
        print(report.text)
        let code = Exit.of(report, invalid: false)
        RunMetrics(command: "execute", plan: report.plan, summary: report.summary, exit: code, started: started, finished: Date())
            .write(config: workspace.repository.config, ledger: pipeline.ledger, logger: Logger(label: "crier.metrics"))
        throw code
    }
}

extension Execute {
    /// The plan file, refused when it is no plan of this crier's or its config or snapshot
    /// changed since it was made.
    func read(workspace: Workspace) throws(PlanFileError) -> (PlanDocument, at: Date) {
        guard let data = FileManager.default.contents(atPath: planFile) else { throw .unreadable(planFile) }
        let document: PlanDocument
        do {
            document = try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch let error as DecodingError {
            throw .notAPlan(planFile, detail: PlanFileError.detail(error))
        } catch {
            throw .notAPlan(planFile, detail: "unreadable JSON")
        }
        guard document.crierPlan == Plan.formatVersion, let at = Timestamp.parseISO(document.at) else {
            throw .unsupportedFormat(planFile, version: document.crierPlan)
        }
        guard document.configSHA256 == workspace.repository.sha256 else { throw .configChanged(planFile) }
        return (document, at)
    }

    /// Exits 65 when `plan`'s items are not what its config and snapshot render at its `at`
    /// (a hand-edited plan), naming each item and what differs, never the values; gives the
    /// plan's reminders their event times.
    func refuseEdited(_ plan: inout Plan, workspace: Workspace, ledger: any LedgerView) throws {
        let differences: [PlanIntegrity.Difference]
        do {
            differences = try PlanIntegrity.differences(of: &plan, repository: workspace.repository,
                                                        rows: try workspace.openSnapshot(), ledger: ledger)
        } catch {
            printError("\(planFile): error: cannot check the plan against the ledger: \(error)")
            throw Exit.temporary
        }
        guard !differences.isEmpty else { return }
        for difference in differences.prefix(20) { printError("\(planFile): error: \(difference)") }
        if differences.count > 20 { printError("\(planFile): ... \(differences.count - 20) more") }
        printError("\(planFile): error: the plan differs from what its config and snapshot render at its at, so it was edited; nothing was sent. "
                   + "Make a new plan with `crier plan --format json` and review it")
        throw Exit.invalid
    }
}

/// The JSON plan as `execute` reads it.
struct PlanDocument: Decodable {
    let crierPlan: Int
    let at: String
    let configSHA256: String
    let snapshotSHA256: String
    let schedules: [SlotDecision]
    let items: [PlanItem]
    let definitions: [String: String]?
    let state: [ChangeStateUpdate]?
    let generations: [String: Int64]?

    enum CodingKeys: String, CodingKey {
        case crierPlan = "crier_plan"
        case at
        case configSHA256 = "config_sha256"
        case snapshotSHA256 = "snapshot_sha256"
        case schedules, items, definitions, state, generations
    }
}
