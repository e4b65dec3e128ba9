import Foundation

/// Evaluates the schedules of a config repository at one instant: finds each schedule's slot,
/// runs its trigger over the snapshot, renders the messages and decides send or skip.
/// Reads the snapshot and the ledger through ports; writes nothing.
package struct Planner {
    /// The loaded config repository.
    package var repository: ConfigRepository
    /// The instant being planned for (`--at`, or the clock).
    package var at: Date
    /// SHA-256 of the snapshot file (for the plan's header).
    package var snapshotSHA256: String
    /// Only these schedules, when given.
    package var selection: Set<String>?
    /// Checks `file:` attachments while planning; nil: by their path's text only.
    package var attachmentFiles: (any AttachmentSource)?

    /// A planner for `repository` at `at`.
    package init(repository: ConfigRepository, at: Date, snapshotSHA256: String, selection: Set<String>? = nil) {
        self.repository = repository
        self.at = at
        self.snapshotSHA256 = snapshotSHA256
        self.selection = selection
    }

    /// The plan. Problems with single schedules or rows become diagnostics (and `failed` or
    /// `invalid` slot decisions); they never stop the other schedules.
    package func plan(rows: any PreparingRowSource, ledger: any LedgerView, into diagnostics: inout DiagnosticCollector) -> Plan {
        var decisions: [SlotDecision] = []
        var items: [PlanItem] = []
        var stateUpdates: [String: [ChangeStateUpdate]] = [:]
        var definitions: [String: String] = [:]
        var generations: [String: Int64] = [:]
        let selected = { (id: String) in selection?.contains(id) ?? true }
        for id in repository.invalidSchedules where selected(id) {
            decisions.append(SlotDecision(schedule: id, status: .invalid))
        }
        let consent = consentRules(rows: rows, ledger: ledger, into: &diagnostics)
        for schedule in repository.schedules where selected(schedule.id) {
            guard let consent else {
                // Without the suppression list nobody may be messaged; the slot stays unrecorded.
                decisions.append(SlotDecision(schedule: schedule.id, status: .failed))
                continue
            }
            var (decision, scheduleItems) = evaluate(schedule, rows: rows, ledger: ledger, stateUpdates: &stateUpdates,
                                                     definitions: &definitions, generations: &generations, into: &diagnostics)
            if decision.status == .due {
                consent.apply(to: &scheduleItems, quiet: consent.isQuiet(schedule, config: repository.config))
            }
            if decision.status != .failed && decision.status != .invalid {
                do {
                    scheduleItems += try deferredItems(schedule, current: scheduleItems, consent: consent, rows: rows, ledger: ledger)
                } catch {
                    diagnostics.error("schedule \"\(schedule.id)\": cannot re-plan the SMS deferred by quiet hours: \(error)",
                                      at: schedule.queryLocation)
                    decision.status = .failed
                    scheduleItems = []
                }
            }
            decisions.append(decision)
            // The first schedule's items are taken as they are, not copied: a plan of one large
            // schedule is held once.
            if items.isEmpty { items = scheduleItems } else { items.append(contentsOf: scheduleItems) }
        }
        decisions.sort { $0.schedule < $1.schedule }
        items.sort(by: Plan.order)
        // State only counts for slots that evaluated fully.
        let evaluated = Set(decisions.filter { $0.status == .due }.map(\.schedule))
        let updates = stateUpdates.filter { evaluated.contains($0.key) }.sorted { $0.key < $1.key }.flatMap(\.value)
        let plan = Plan(at: at, configSHA256: repository.sha256, snapshotSHA256: snapshotSHA256, schedules: decisions, items: items,
                        stateUpdates: updates, definitions: definitions.filter { evaluated.contains($0.key) },
                        changeGenerations: generations.filter { evaluated.contains($0.key) })
        return applyingDailyCap(to: plan, ledger: ledger, into: &diagnostics)
    }

    /// `plan` with the SMTP messages that do not fit under `email.smtp.max_per_day` today
    /// marked `daily-cap`. When the ledger cannot say what today used, none fit (fail closed:
    /// they wait as pending for a run that can tell).
    private func applyingDailyCap(to plan: Plan, ledger: any LedgerView, into diagnostics: inout DiagnosticCollector) -> Plan {
        let config = repository.config
        let channels = config.smtpChannels
        guard let limit = config.email.smtp?.maxPerDay, !channels.isEmpty else { return plan }
        do {
            let used = try ledger.dailyCapUsage(channels: channels, since: WallClock.startOfDay(containing: at, in: config.timeZone))
            return plan.applyingDailyCap(remaining: max(0, limit - used), channels: channels)
        } catch {
            diagnostics.error("cannot read today's sent messages for max_per_day: \(error)", at: FileLocation(file: config.ledgerPath))
            return plan.applyingDailyCap(remaining: 0, channels: channels)
        }
    }

    /// The slot decision for `schedule` at `at`, before any query runs.
    package func slotDecision(_ schedule: Schedule, ledger: any LedgerView) throws -> (SlotDecision, Date?) {
        guard schedule.enabled else { return (SlotDecision(schedule: schedule.id, status: .disabled), nil) }
        guard let slot = schedule.cron.slot(atOrBefore: at, in: schedule.timeZone) else {
            return (SlotDecision(schedule: schedule.id, status: .noSlot), nil)
        }
        let slotText = Timestamp.utc(slot)
        switch try ledger.slotStatus(schedule: schedule.id, slot: slotText) {
        case .ran?: return (SlotDecision(schedule: schedule.id, slot: slotText, status: .alreadyRun), nil)
        case .missed?: return (SlotDecision(schedule: schedule.id, slot: slotText, status: .alreadyMissed), nil)
        case nil: break
        }
        if at.timeIntervalSince(slot) > TimeInterval(repository.config.catchUpSeconds) {
            return (SlotDecision(schedule: schedule.id, slot: slotText, status: .missed), nil)
        }
        return (SlotDecision(schedule: schedule.id, slot: slotText, status: .due), slot)
    }

    private func evaluate(_ schedule: Schedule, rows: any PreparingRowSource, ledger: any LedgerView,
                          stateUpdates: inout [String: [ChangeStateUpdate]], definitions: inout [String: String],
                          generations: inout [String: Int64], into diagnostics: inout DiagnosticCollector) -> (SlotDecision, [PlanItem]) {
        var decision: SlotDecision
        let due: Date?
        do {
            (decision, due) = try slotDecision(schedule, ledger: ledger)
        } catch {
            diagnostics.error("schedule \"\(schedule.id)\": cannot read the ledger: \(error)", at: FileLocation(file: repository.config.ledgerPath))
            return (SlotDecision(schedule: schedule.id, status: .failed), [])
        }
        guard let slot = due else { return (decision, []) }
        let check = QueryCheck(schedule: schedule, templates: repository.templates)
        let prepared: PreparedQuery
        do {
            prepared = try rows.prepare(query: schedule.query)
        } catch {
            diagnostics.add(check.diagnostic(for: error))
            decision.status = .failed
            return (decision, [])
        }
        let problems = check.problems(prepared)
        diagnostics.add(contentsOf: problems)
        if problems.contains(where: { $0.severity == .error }) {
            decision.status = .invalid
            return (decision, [])
        }
        let renderer = MessageRenderer(templates: repository.templates, sms: repository.config.sms, attachmentFiles: attachmentFiles)
        let maker = ItemMaker(schedule: schedule, slot: Slot(slot), region: repository.config.sms.defaultRegion,
                              renderer: renderer)
        var items: [PlanItem]
        var rowCount = 0, nullKeys = 0
        do {
            switch schedule.trigger {
            case .upcoming(let upcoming):
                let found = try collect(upcoming, of: schedule, slot: slot, maker: maker, parameters: prepared.parameters, rows: rows)
                decision.windowStart = Timestamp.utc(found.window.start)
                decision.windowEnd = Timestamp.utc(found.window.end)
                decision.occurrence = found.window.occurrence.text
                (items, rowCount, nullKeys) = (found.items, found.rowCount, found.nullKeys)
            case .overdue(let overdue):
                let found = try collect(overdue, of: schedule, slot: slot, maker: maker, parameters: prepared.parameters, rows: rows)
                decision.windowEnd = Timestamp.utc(found.window.end)
                (items, rowCount, nullKeys) = (found.items, found.rowCount, found.nullKeys)
            case .change(let change):
                let window = TriggerWindow(start: slot, end: slot, includesStart: true, occurrence: "")
                var evaluator = ChangeEvaluator(maker: maker, trigger: change)
                generations[schedule.id] = try ledger.changeGeneration(schedule: schedule.id)
                let parameters = QueryParameters.bind(prepared.parameters, now: at, slot: slot, window: window)
                let result = try evaluator.evaluate(ledger: ledger, source: rows, query: schedule.query, columns: prepared.columns,
                                                    parameters: parameters)
                items = result.items
                stateUpdates[schedule.id] = result.updates
                if evaluator.recordsBaseline { decision.baselineKeys = result.updates.filter { $0.fingerprint != nil }.count }
                definitions[schedule.id] = evaluator.definition
                (rowCount, nullKeys) = (evaluator.rowCount, evaluator.nullKeys)
            }
        } catch let error as QueryError {
            diagnostics.add(check.diagnostic(for: error))
            decision.status = .failed
            return (decision, [])
        } catch {
            diagnostics.error("schedule \"\(schedule.id)\": cannot read the ledger: \(error)", at: FileLocation(file: repository.config.ledgerPath))
            decision.status = .failed
            return (decision, [])
        }
        decision.rows = rowCount
        if nullKeys > 0 {
            diagnostics.warning("schedule \"\(schedule.id)\": \(nullKeys) row(s) have a NULL key and were left out",
                                at: schedule.queryLocation, hint: "Make the query's `key` column never NULL")
        }
        do {
            let states = try ledger.itemStates(ids: items.map(\.id))
            // Superseded occurrences already in the ledger (sent or skipped) need no new line.
            items.removeAll { $0.reason == .superseded && states[$0.id] != nil }
            for index in items.indices {
                guard let state = states[items[index].id] else { continue }
                let reason: SkipReason?
                switch state {
                case .sent: reason = .alreadySent
                case .pending, .sending, .uncertain: reason = .alreadyPlanned
                case .failed: reason = .failedEarlier
                case .skipped: reason = nil
                }
                if let reason {
                    items[index].action = .skip
                    items[index].reason = reason
                }
            }
        } catch {
            diagnostics.error("schedule \"\(schedule.id)\": cannot read the ledger: \(error)", at: FileLocation(file: repository.config.ledgerPath))
            decision.status = .failed
            return (decision, [])
        }
        return (decision, items)
    }

    /// What an upcoming or overdue trigger's query yields for one slot, before the ledger's
    /// states: the same items every time the slot is read (the first run, and re-planning it
    /// after quiet hours).
    struct SlotItems {
        /// The window the query was bound with.
        var window: TriggerWindow
        /// The items, in query order.
        var items: [PlanItem]
        /// Rows read.
        var rowCount: Int
        /// Rows left out for a NULL key.
        var nullKeys: Int
    }

    /// Runs `schedule`'s upcoming trigger for `slot`; `parameters` are those its prepared query uses.
    func collect(_ upcoming: UpcomingTrigger, of schedule: Schedule, slot: Date, maker: ItemMaker, parameters: [String],
                 rows: any RowSource) throws -> SlotItems {
        let window = upcoming.window(slot: slot, in: schedule.timeZone)
        var collector = UpcomingCollector(maker: maker, window: window, timeColumn: upcoming.atColumn)
        try rows.forEachRow(query: schedule.query, parameters: QueryParameters.bind(parameters, now: at, slot: slot, window: window)) {
            collector.add($0)
        }
        return SlotItems(window: window, items: collector.items, rowCount: collector.rowCount, nullKeys: collector.nullKeys)
    }

    /// Runs `schedule`'s overdue trigger for `slot`; `parameters` are those its prepared query uses.
    func collect(_ overdue: OverdueTrigger, of schedule: Schedule, slot: Date, maker: ItemMaker, parameters: [String],
                 rows: any RowSource) throws -> SlotItems {
        // Anchors at or before window_end have at least their first occurrence due.
        let window = TriggerWindow(start: Date(timeIntervalSince1970: 0), end: slot.addingTimeInterval(-TimeInterval(overdue.afterSeconds)),
                                   includesStart: true, occurrence: "")
        var collector = OverdueCollector(maker: maker, trigger: overdue, slot: slot)
        try rows.forEachRow(query: schedule.query, parameters: QueryParameters.bind(parameters, now: at, slot: slot, window: window)) {
            collector.add($0)
        }
        return SlotItems(window: window, items: collector.items, rowCount: collector.rowCount, nullKeys: collector.nullKeys)
    }
}
