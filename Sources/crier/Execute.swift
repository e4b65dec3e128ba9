import ArgumentParser
import CrierCore
import CrierSQLite
import Foundation

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
        let workspace = try Workspace.load(configPath: configOptions.config)
        guard let data = FileManager.default.contents(atPath: planFile) else {
            printError("\(planFile): error: cannot read the plan file")
            throw Exit.usage
        }
        let document: PlanDocument
        do {
            document = try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch {
            printError("\(planFile): error: not a crier plan (\(error)). Write one with `crier plan --format json -o \(planFile)`")
            throw Exit.invalid
        }
        guard document.crierPlan == Plan.formatVersion, let planAt = Timestamp.parseISO(document.at) else {
            printError("\(planFile): error: unsupported plan format \(document.crierPlan); this crier reads version \(Plan.formatVersion)")
            throw Exit.invalid
        }
        if document.configSHA256 != workspace.repository.sha256 {
            printError("\(planFile): error: the config changed since this plan was made (config_sha256 differs). Make a new plan with `crier plan --format json` and review it")
            throw Exit.invalid
        }
        let snapshotSHA = try workspace.snapshotSHA256()
        if document.snapshotSHA256 != snapshotSHA {
            printError("\(planFile): error: the snapshot changed since this plan was made (snapshot_sha256 differs). Make a new plan with `crier plan --format json` and review it")
            throw Exit.invalid
        }
        let clock: any Clock = try at.map { FixedClock(try EvaluationOptions.instant($0)) } ?? SystemClock()
        let plan = Plan(at: planAt, configSHA256: document.configSHA256, snapshotSHA256: document.snapshotSHA256,
                        schedules: document.schedules, items: document.items,
                        stateUpdates: document.state ?? [], definitions: document.definitions ?? [:])
        let session = try LedgerSession.open(workspace: workspace)
        let runID = try session.ledger.beginRun(command: "execute", at: planAt, clock: clock.now)
        // Slots that ran since the plan was made are not run twice: their items are already in the ledger.
        var fresh = plan
        fresh.schedules = try plan.schedules.filter { decision in
            guard let slot = decision.slot else { return false }
            return try session.ledger.slotStatus(schedule: decision.schedule, slot: slot) == nil
        }
        let freshSchedules = Set(fresh.schedules.map(\.schedule))
        fresh.items = plan.items.filter { freshSchedules.contains($0.schedule) }
        fresh.stateUpdates = plan.stateUpdates.filter { freshSchedules.contains($0.schedule) }
        fresh.definitions = plan.definitions.filter { freshSchedules.contains($0.key) }
        let recorded = try session.ledger.record(fresh, runID: runID, at: clock.now)
        let summary = try session.deliver(runID: runID, clock: clock)
        let line = RunSummary.line(plan: plan, recorded: recorded, summary: summary)
        try session.ledger.finishRun(runID, outcome: line, at: clock.now)
        print(RunSummary.render(plan: plan, recorded: recorded, summary: summary))
        throw Exit.combine(invalid: summary.hasConfigurationFault, failed: summary.failed > 0 || summary.uncertain > 0, temporary: summary.leftForRetry > 0)
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

    enum CodingKeys: String, CodingKey {
        case crierPlan = "crier_plan"
        case at
        case configSHA256 = "config_sha256"
        case snapshotSHA256 = "snapshot_sha256"
        case schedules, items, definitions, state
    }
}
