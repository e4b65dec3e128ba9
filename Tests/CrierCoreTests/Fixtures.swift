import Foundation
@testable import CrierCore

/// Rows held in memory, standing in for the snapshot in core tests; returns every row whatever
/// the window, so that the engine's own re-check is what is tested.
final class MemoryRows: PreparingRowSource {
    let columns: [String]
    let rows: [[SQLValue]]
    private(set) var boundParameters: [String: SQLValue] = [:]
    var failure: QueryError?

    init(columns: [String], rows: [[SQLValue]]) {
        self.columns = columns
        self.rows = rows
    }

    func prepare(query: String) throws -> PreparedQuery {
        if let failure { throw failure }
        var names: [String] = []
        var rest = Substring(query)
        while let colon = rest.firstIndex(of: ":") {
            let name = rest[rest.index(after: colon)...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty, !names.contains(String(name)) { names.append(String(name)) }
            rest = rest[rest.index(after: colon)...]
        }
        return PreparedQuery(columns: columns, parameters: names)
    }

    func forEachRow(query: String, parameters: [String: SQLValue], _ body: (Row) throws -> Void) throws {
        boundParameters = parameters
        let shape = RowShape(names: columns)
        for values in rows { try body(Row(shape: shape, values: values)) }
    }

    func forEachRow(query: String, parameters: [String: SQLValue], columns wanted: [String], _ body: (Row) throws -> Void) throws {
        let indexes = try wanted.map { name in
            guard let index = columns.firstIndex(of: name) else { throw QueryError(message: "no such column: \(name)", token: name) }
            return index
        }
        let shape = RowShape(names: wanted)
        try forEachRow(query: query, parameters: parameters) { row in
            try body(Row(shape: shape, values: indexes.map { row.values[$0] }))
        }
    }

    func forEachRow(query: String, parameters: [String: SQLValue], keys: [String], comparedAs comparison: KeyComparison,
                    _ body: (Row) throws -> Void) throws {
        let wanted = Set(keys)
        try forEachRow(query: query, parameters: parameters) { row in
            let key = comparison == .text ? row["key"]?.text : row["key"].flatMap { if case .text(let text) = $0 { text } else { nil } }
            if let key, wanted.contains(key) { try body(row) }
        }
    }
}

/// A ledger view with chosen slots and item states.
struct MemoryLedgerView: LedgerView {
    var slots: [String: SlotStatus] = [:]
    var items: [String: ItemState] = [:]

    func slotStatus(schedule: String, slot: String) throws -> SlotStatus? { slots["\(schedule)@\(slot)"] }
    var definitions: [String: String] = [:]
    var state: [String: [String: (fingerprint: String, rows: String)]] = [:]

    func itemStates(ids: [String]) throws -> [String: ItemState] { items.filter { ids.contains($0.key) } }
    func changeDefinition(schedule: String) throws -> String? { definitions[schedule] }
    var generations: [String: Int64] = [:]
    func changeGeneration(schedule: String) throws -> Int64 { generations[schedule, default: 0] }
    /// No suppression list, nothing deferred, nothing sent (ConsentLedgerView keeps those).
    func optOutKeys() throws -> Set<String> { [] }
    func quietHoursItems(schedule: String, since: String) throws -> [String: String] { [:] }
    func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int { 0 }
    func changeFingerprints(schedule: String) throws -> [String: String] { (state[schedule] ?? [:]).mapValues(\.fingerprint) }
    func changeRows(schedule: String, keys: [String]) throws -> [String: String] {
        (state[schedule] ?? [:]).filter { keys.contains($0.key) }.mapValues(\.rows)
    }

    /// Applies a plan's recorded effects, as the ledger would.
    mutating func apply(_ plan: Plan) {
        for decision in plan.schedules where decision.status == .due { slots["\(decision.schedule)@\(decision.slot ?? "")"] = .ran }
        for item in plan.items {
            if item.action == .send { items[item.id] = .sent }
            else if items[item.id] == nil, item.reason != .alreadySent { items[item.id] = .skipped }
        }
        for (schedule, definition) in plan.definitions {
            definitions[schedule] = definition
            generations[schedule, default: 0] += 1
        }
        for update in plan.stateUpdates {
            if let fingerprint = update.fingerprint {
                state[update.schedule, default: [:]][update.key] = (fingerprint, update.rows ?? "[]")
            } else {
                state[update.schedule]?[update.key] = nil
            }
        }
    }
}

enum Fixture {
    static let crierYAML = """
        timezone: Pacific/Auckland
        catch_up: 6h
        email:
          from: "Acme Services <noreply@acme.example>"
        sms:
          default_region: NZ
          max_segments: 1
        """

    static let reminderSchedule = """
        cron: "0 17 * * *"
        channel: sms
        template: reminder
        trigger:
          upcoming: { interval: 1 day, at: starts_at }
        query: |
          SELECT key, starts_at, recipient, name FROM appointments
          WHERE starts_at >= :window_start AND starts_at < :window_end
        """

    static let reminderTemplate = "Hi {{name}}, see you {{at.weekday}} at {{at.time}} (job {{key}}).\n"

    /// A repository with the given files (schedules and templates as path → text).
    static func repository(
        config: String = crierYAML,
        schedules: [String: String] = ["schedules/reminder.yaml": reminderSchedule],
        templates: [String: String] = ["templates/reminder.sms.mustache": reminderTemplate]
    ) -> (ConfigRepository?, [Diagnostic]) {
        let files = ConfigFiles(configPath: "crier.yaml", directory: "/repo", configText: config,
                                schedules: schedules.map { ($0.key, $0.value) }, templates: templates.map { ($0.key, $0.value) })
        var collector = DiagnosticCollector()
        let repository = ConfigRepository.load(files, into: &collector)
        return (repository, collector.diagnostics)
    }

    static func date(_ text: String) -> Date { Timestamp.parseISO(text)! }
}
