import ArgumentParser
import CrierCore
import CrierSQLite
import Foundation

/// `crier forecast`: every slot of the coming days over today's snapshot and ledger, per day
/// and schedule; records nothing.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "What the schedules would send at every slot of the next N days, over today's snapshot and ledger; records nothing.",
        discussion: """
            Today is day 1 (its slots after T); the forecast ends at midnight after day N, in crier.yaml's timezone. \
            Every send is assumed to be delivered at its slot, so a key sent by an earlier slot is not counted again. \
            Schedules with a change trigger cannot be forecast: they say so.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table
        case json
        case html
    }

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var evaluation: EvaluationOptions

    @Option(name: .long, help: "How many days, today included (1 to 366).")
    var days: Int = 7

    @Option(name: .long, help: "table (for people), json (byte-deterministic) or html (a self-contained day grid; use with -o FILE).")
    var format: Format = .table

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write the forecast to FILE instead of standard output.", valueName: "FILE"))
    var output: String?

    func validate() throws {
        guard (1...366).contains(days) else { throw ValidationError("--days must be 1 to 366, not \(days)") }
    }

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        let clock = try evaluation.clock()
        let selection = try evaluation.selection(in: workspace.repository)
        try workspace.checkSnapshotAge(at: clock.now)
        let snapshot = try workspace.openSnapshot()
        let ledger: any LedgerView = try workspace.ledger { try $0.openForReading() } ?? EmptyLedgerView()
        let forecaster = Forecaster(repository: workspace.repository, snapshotSHA256: try workspace.snapshotSHA256(), selection: selection)
        var collector = DiagnosticCollector()
        let forecast = forecaster.forecast(at: clock.now, days: days, rows: snapshot, ledger: ledger, into: &collector)
        for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        let text: String
        switch format {
        case .table: text = ForecastTable.render(forecast)
        case .json: text = forecast.json.rendered()
        case .html: text = ForecastHTML(forecast: forecast, repository: workspace.repository).render()
        }
        try CommandOutput.write(text, to: output, what: "the forecast", isPage: format == .html)
        if workspace.hasErrors || collector.hasErrors { throw Exit.invalid }
    }
}

/// The forecast as a table: one line per day and schedule.
enum ForecastTable {
    static func render(_ forecast: Forecast) -> String {
        let zone = forecast.timeZone
        var out = "crier forecast from \(HTMLPage.time(forecast.at, in: zone)) to the end of \(forecast.days.last.map { $0.date.description } ?? "") (\(zone.identifier))\n\n"
        var rows = [["DAY", "SCHEDULE", "SLOTS", "SEND", "SKIPPED"]]
        for day in forecast.days {
            let label = "\(HTMLPage.day(day.date).prefix(3)) \(day.date)"
            if day.entries.isEmpty { rows.append([label, "-", "0", "0", ""]) }
            for entry in day.entries {
                var skipped = entry.skips.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                if entry.failedSlots > 0 { skipped = "\(entry.failedSlots) slot(s) failed, see errors" + (skipped.isEmpty ? "" : "; " + skipped) }
                rows.append([label, entry.schedule, "\(entry.slots)", "\(entry.sends)", skipped])
            }
        }
        out += PlanTable.table(rows)
        let skipped = forecast.schedules.filter { !$0.forecast }
        if !skipped.isEmpty {
            out += "\nNot forecast:\n"
            for note in skipped { out += "  \(note.schedule): \(note.reason ?? "")\n" }
        }
        out += "\n\(forecast.totalSends) message(s) to send over \(forecast.days.count) day(s); nothing recorded.\n"
        return out
    }
}
