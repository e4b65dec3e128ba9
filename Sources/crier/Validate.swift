import ArgumentParser
import CrierCore
import CrierDelivery
import CrierSQLite
import Foundation

/// `crier validate`: every problem in crier.yaml, the schedules, templates and queries.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check crier.yaml, every schedule, template and query (against the snapshot's schema when it exists); sends and writes nothing.")

    @OptionGroup var configOptions: ConfigOptions

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        let repository = workspace.repository
        var problems = SecretCheck.warnings(config: repository.config, environment: ProcessInfo.processInfo.environment)
        let ledger: (any LedgerView)?
        do {
            ledger = try workspace.ledgerStorage().openForReading()
        } catch {
            // The config is what validate checks: a ledger it cannot read is worth a warning.
            var warning = (error as? LedgerError)?.diagnostic ?? .error("cannot read the ledger: \(error)")
            warning.severity = .warning
            problems.append(warning)
            ledger = nil
        }
        let snapshotPath = repository.config.snapshotPath
        let snapshot: Validator.Snapshot
        if !FileManager.default.fileExists(atPath: snapshotPath) {
            snapshot = .missing(path: snapshotPath)
        } else {
            do {
                snapshot = .open(try SnapshotReader(path: snapshotPath))
            } catch {
                snapshot = .unreadable(path: snapshotPath, reason: "\(error)".replacingOccurrences(of: "\(snapshotPath): error: ", with: ""))
            }
        }
        problems += Validator(repository: repository, now: SystemClock().now).problems(snapshot: snapshot, ledger: ledger)
        problems += PDFTemplateCheck.problems(repository.templates.pdf)
        for diagnostic in problems { printError(diagnostic.description) }
        let all = workspace.diagnostics + problems
        let errors = all.filter { $0.severity == .error }.count
        let warnings = all.count - errors
        let templates = repository.templates.sms.count + repository.templates.email.count
        let summary = "\(repository.schedules.count + repository.invalidSchedules.count) schedule(s), \(templates) template(s): "
            + (errors == 0 ? "OK" : "\(errors) error(s)") + (warnings > 0 ? ", \(warnings) warning(s)" : "")
        print(summary)
        if errors > 0 { throw Exit.invalid }
    }
}
