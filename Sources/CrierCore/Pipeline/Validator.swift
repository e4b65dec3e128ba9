import Foundation

/// `crier validate` beyond loading: what only the snapshot's schema, the ledger and the clock
/// can tell about a loaded repository. Reads; writes nothing.
package struct Validator {
    /// What the command found of the snapshot.
    package enum Snapshot {
        /// Not there: queries cannot be checked.
        case missing(path: String)
        /// There but unusable: why, worded for people.
        case unreadable(Diagnostic)
        /// Open, to prepare queries against.
        case open(any PreparingRowSource)
    }

    /// The loaded repository.
    package var repository: ConfigRepository
    /// The instant schedules are checked from (the clock's now).
    package var now: Date

    /// A validator of `repository` at `now`.
    package init(repository: ConfigRepository, now: Date) {
        self.repository = repository
        self.now = now
    }

    /// Every problem found; `ledger` is nil when there is none yet.
    package func problems(snapshot: Snapshot, ledger: (any LedgerView)?) -> [Diagnostic] {
        var collector = DiagnosticCollector()
        checkCron(into: &collector)
        if let ledger { checkChangeDefinitions(ledger, into: &collector) }
        checkQuietHours(into: &collector)
        switch snapshot {
        case .missing(let path):
            collector.warning("the snapshot does not exist, so queries were not checked against its schema",
                              at: FileLocation(file: path), hint: "Copy the database there (or `crier sample`) and validate again")
        case .unreadable(let problem):
            collector.add(problem)
        case .open(let rows):
            checkQueries(rows, into: &collector)
        }
        return collector.diagnostics
    }

    private func checkCron(into collector: inout DiagnosticCollector) {
        for schedule in repository.schedules where schedule.cron.slot(after: now, in: schedule.timeZone) == nil {
            collector.warning("schedule \"\(schedule.id)\": cron \"\(schedule.cron.source)\" never fires", at: FileLocation(file: schedule.file))
        }
    }

    private func checkChangeDefinitions(_ ledger: any LedgerView, into collector: inout DiagnosticCollector) {
        for schedule in repository.schedules {
            guard case .change(let change) = schedule.trigger,
                  let recorded = try? ledger.changeDefinition(schedule: schedule.id),
                  recorded != ChangeEvaluator.definition(of: schedule, trigger: change) else { continue }
            collector.warning("schedule \"\(schedule.id)\": its query or watch list changed since it last ran, so its next run records a new baseline silently: changes between its last run and then are not notified",
                              at: schedule.queryLocation, hint: "This is on purpose, so that an edit never notifies everyone; nothing to do unless you wanted those notifications")
        }
    }

    private func checkQuietHours(into collector: inout DiagnosticCollector) {
        for schedule in repository.schedules where schedule.channel == .sms {
            guard let hours = ConsentRules.quietHours(of: schedule, config: repository.config),
                  let slot = hours.firstSlot(of: schedule.cron, after: now, before: now.addingTimeInterval(8 * 86400), in: schedule.timeZone)
            else { continue }
            collector.warning("schedule \"\(schedule.id)\": cron \"\(schedule.cron.source)\" fires at \(Timestamp.local(slot, in: schedule.timeZone)), inside quiet_hours \(hours); its SMS then wait for the first run after the quiet hours",
                              at: FileLocation(file: schedule.file), hint: "Move the cron slot outside the quiet hours if they should go out at a set time")
        }
    }

    private func checkQueries(_ rows: any PreparingRowSource, into collector: inout DiagnosticCollector) {
        for schedule in repository.schedules {
            let check = QueryCheck(schedule: schedule, templates: repository.templates)
            do {
                collector.add(contentsOf: check.problems(try rows.prepare(query: schedule.query)))
            } catch {
                collector.add(check.diagnostic(for: error))
            }
        }
        if let optOut = repository.config.optOutQuery {
            do {
                collector.add(contentsOf: optOut.problems(try rows.prepare(query: optOut.query)))
            } catch {
                collector.add(optOut.diagnostic(for: error))
            }
        }
    }
}
