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
        var collector = DiagnosticCollector()
        let now = Date()
        collector.add(contentsOf: SecretCheck.warnings(config: repository.config, environment: ProcessInfo.processInfo.environment))
        for schedule in repository.schedules where schedule.cron.slot(after: now, in: schedule.timeZone) == nil {
            collector.warning("schedule \"\(schedule.id)\": cron \"\(schedule.cron.source)\" never fires", at: FileLocation(file: schedule.file))
        }
        if let ledger = try? LedgerStore.openExisting(path: repository.config.ledgerPath) {
            for schedule in repository.schedules {
                guard case .change(let change) = schedule.trigger,
                      let recorded = try? ledger.changeDefinition(schedule: schedule.id),
                      recorded != ChangeEvaluator.definition(of: schedule, trigger: change) else { continue }
                collector.warning("schedule \"\(schedule.id)\": its query or watch list changed since it last ran, so its next run records a new baseline silently: changes between its last run and then are not notified",
                                  at: schedule.queryLocation, hint: "This is on purpose, so that an edit never notifies everyone; nothing to do unless you wanted those notifications")
            }
        }
        for schedule in repository.schedules where schedule.channel == .sms {
            guard let hours = ConsentRules.quietHours(of: schedule, config: repository.config),
                  let slot = hours.firstSlot(of: schedule.cron, after: now, before: now.addingTimeInterval(8 * 86400), in: schedule.timeZone)
            else { continue }
            collector.warning("schedule \"\(schedule.id)\": cron \"\(schedule.cron.source)\" fires at \(Timestamp.local(slot, in: schedule.timeZone)), inside quiet_hours \(hours); its SMS then wait for the first run after the quiet hours",
                              at: FileLocation(file: schedule.file), hint: "Move the cron slot outside the quiet hours if they should go out at a set time")
        }
        let snapshotPath = repository.config.snapshotPath
        if FileManager.default.fileExists(atPath: snapshotPath) {
            do {
                let snapshot = try SnapshotReader(path: snapshotPath)
                for schedule in repository.schedules {
                    let check = QueryCheck(schedule: schedule, templates: repository.templates)
                    do {
                        collector.add(contentsOf: check.problems(try snapshot.prepare(query: schedule.query)))
                    } catch {
                        collector.add(check.diagnostic(for: error))
                    }
                }
                if let optOut = repository.config.optOutQuery {
                    do {
                        collector.add(contentsOf: optOut.problems(try snapshot.prepare(query: optOut.query)))
                    } catch {
                        collector.add(optOut.diagnostic(for: error))
                    }
                }
            } catch {
                collector.add(.error("\(error)".replacingOccurrences(of: "\(snapshotPath): error: ", with: ""), at: FileLocation(file: snapshotPath)))
            }
        } else {
            collector.warning("the snapshot does not exist, so queries were not checked against its schema",
                              at: FileLocation(file: snapshotPath), hint: "Copy the database there (or `crier sample`) and validate again")
        }
        for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        let all = workspace.diagnostics + collector.diagnostics
        let errors = all.filter { $0.severity == .error }.count
        let warnings = all.count - errors
        let templates = repository.templates.sms.count + repository.templates.email.count
        let summary = "\(repository.schedules.count + repository.invalidSchedules.count) schedule(s), \(templates) template(s): "
            + (errors == 0 ? "OK" : "\(errors) error(s)") + (warnings > 0 ? ", \(warnings) warning(s)" : "")
        print(summary)
        if errors > 0 { throw Exit.invalid }
    }
}
