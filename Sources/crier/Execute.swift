import ArgumentParser
import CrierCore
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
                        stateUpdates: document.state ?? [], definitions: document.definitions ?? [:],
                        changeGenerations: document.generations ?? [:])
        // Slots that ran since the plan was made are lost to the run that recorded them: their
        // items are not recorded twice.
        let report = try LedgerSession.pipeline(workspace: workspace, clock: clock).execute(plan, command: "execute")
        print(report.text)
        throw Exit.of(report, invalid: false)
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
