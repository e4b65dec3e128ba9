import Foundation

/// Plans every slot of the coming days in time order, over one snapshot and a ledger view
/// that remembers what the earlier slots would have sent; records nothing. Deliveries are
/// assumed to succeed at their slot; `change` triggers are not forecast (what changes is in
/// future snapshots, not in today's).
package struct Forecaster {
    /// The loaded config repository.
    package var repository: ConfigRepository
    /// SHA-256 of the snapshot file.
    package var snapshotSHA256: String
    /// Only these schedules, when given.
    package var selection: Set<String>?

    /// A forecaster for `repository`.
    package init(repository: ConfigRepository, snapshotSHA256: String, selection: Set<String>? = nil) {
        self.repository = repository
        self.snapshotSHA256 = snapshotSHA256
        self.selection = selection
    }

    /// The slots after `at` until the end of the `days`-th local day (today is day 1), each
    /// planned over `rows` and `ledger`. Problems become diagnostics (duplicates once) and
    /// failed slots; they never stop the other slots.
    package func forecast(at: Date, days: Int, rows: any PreparingRowSource, ledger: any LedgerView,
                          into diagnostics: inout DiagnosticCollector) -> Forecast {
        let zone = repository.config.timeZone
        let today = LocalDate.of(at, in: zone)
        let until = WallClock.startOfDay(today.adding(days: max(1, days)), in: zone)
        let selected = { (id: String) in selection?.contains(id) ?? true }
        var notes: [Forecast.ScheduleNote] = repository.invalidSchedules.filter(selected).map {
            .init(schedule: $0, forecast: false, reason: "invalid: run `crier validate` to see why")
        }
        var slots: [Date: Set<String>] = [:]
        for schedule in repository.schedules where selected(schedule.id) {
            if !schedule.enabled {
                notes.append(.init(schedule: schedule.id, forecast: false, reason: "disabled"))
                continue
            }
            if case .change = schedule.trigger {
                notes.append(.init(schedule: schedule.id, forecast: false,
                                   reason: "cannot be forecast: a change trigger sends when the data changes, which today's snapshot cannot tell"))
                continue
            }
            notes.append(.init(schedule: schedule.id, forecast: true))
            var cursor = at
            while let slot = schedule.cron.slot(after: cursor, in: schedule.timeZone), slot < until {
                slots[slot, default: []].insert(schedule.id)
                cursor = slot
            }
        }
        var view = ForecastLedgerView(base: ledger)
        var entries: [LocalDate: [String: Forecast.Entry]] = [:]
        var seen = Set<Diagnostic>()
        for slot in slots.keys.sorted() {
            let planner = Planner(repository: repository, at: slot, snapshotSHA256: snapshotSHA256, selection: slots[slot])
            var collector = DiagnosticCollector()
            let plan = planner.plan(rows: rows, ledger: view, into: &collector)
            for diagnostic in collector.diagnostics where seen.insert(diagnostic).inserted { diagnostics.add(diagnostic) }
            let date = LocalDate.of(slot, in: zone)
            for decision in plan.schedules where decision.status == .due || decision.status == .failed || decision.status == .invalid {
                var entry = entries[date]?[decision.schedule] ?? Forecast.Entry(schedule: decision.schedule)
                entry.slots += 1
                if decision.status != .due { entry.failedSlots += 1 }
                entries[date, default: [:]][decision.schedule] = entry
            }
            // A key counts once: an item an earlier slot of the forecast planned counts again
            // only when it is finally sent (an SMS that waited for quiet hours to end).
            for item in plan.items where view.state(of: item.id) == nil || item.action == .send {
                var entry = entries[date]?[item.schedule] ?? Forecast.Entry(schedule: item.schedule)
                if item.action == .send { entry.sends += 1 } else { entry.skips[item.reason?.description ?? "", default: 0] += 1 }
                entries[date, default: [:]][item.schedule] = entry
            }
            view.remember(plan)
        }
        let dayList = (0..<max(1, days)).map { offset in
            let date = today.adding(days: offset)
            return Forecast.Day(date: date, entries: (entries[date] ?? [:]).values.sorted { $0.schedule < $1.schedule })
        }
        return Forecast(at: at, until: until, timeZone: zone, configSHA256: repository.sha256, snapshotSHA256: snapshotSHA256,
                        schedules: notes.sorted { $0.schedule < $1.schedule }, days: dayList)
    }
}
