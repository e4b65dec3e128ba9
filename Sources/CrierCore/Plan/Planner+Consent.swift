import Foundation

extension Planner {
    /// How far back deferred (quiet-hours) items are re-planned: quiet hours last under a day.
    package static let deferralHorizon: TimeInterval = 24 * 3600

    /// The suppression list of the ledger plus `opt_out_query`'s addresses; nil (with a
    /// diagnostic) when either cannot be read, since then nobody may be messaged safely.
    func consentRules(rows: any PreparingRowSource, ledger: any LedgerView, into diagnostics: inout DiagnosticCollector) -> ConsentRules? {
        var keys: Set<String>
        do {
            keys = try ledger.optOutKeys()
        } catch {
            diagnostics.error("cannot read the suppression list: \(error)", at: FileLocation(file: repository.config.ledgerPath))
            return nil
        }
        if let query = repository.config.optOutQuery {
            do {
                let problems = query.problems(try rows.prepare(query: query.query))
                diagnostics.add(contentsOf: problems)
                if problems.contains(where: { $0.severity == .error }) { return nil }
                let found = try query.addresses(rows: rows, at: at, region: repository.config.sms.defaultRegion)
                keys.formUnion(found.keys)
                if found.unreadable > 0 {
                    diagnostics.warning("\"opt_out_query\": \(found.unreadable) address(es) are neither a mobile number nor an email address and were ignored",
                                        at: query.location)
                }
            } catch {
                diagnostics.add(query.diagnostic(for: error))
                return nil
            }
        }
        return ConsentRules(optedOut: keys, at: at)
    }

    /// SMS of `schedule` that quiet hours deferred in an earlier slot, re-evaluated at that slot
    /// now that the quiet hours are over: those the query still yields are sent (unless opted out
    /// since); an `upcoming` reminder whose event has started is skipped as `event-started`.
    /// Change triggers are not re-evaluated (their state moved on); their deferred items wait
    /// for a later slot that yields the same item.
    func deferredItems(_ schedule: Schedule, current: [PlanItem], consent: ConsentRules, rows: any PreparingRowSource,
                       ledger: any LedgerView) throws -> [PlanItem] {
        guard schedule.enabled, ConsentRules.quietHours(of: schedule, config: repository.config) != nil,
              !consent.isQuiet(schedule, config: repository.config) else { return [] }
        if case .change = schedule.trigger { return [] }
        let since = Timestamp.utc(at.addingTimeInterval(-Self.deferralHorizon))
        let currentIDs = Set(current.map(\.id))
        let deferred = try ledger.quietHoursItems(schedule: schedule.id, since: since).filter { !currentIDs.contains($0.key) }
        guard !deferred.isEmpty else { return [] }
        let prepared = try rows.prepare(query: schedule.query)
        var result: [PlanItem] = []
        for slotText in Set(deferred.values).sorted() {
            guard let slot = Slot(text: slotText) else { continue }
            let maker = ItemMaker(schedule: schedule, slot: slot, region: repository.config.sms.defaultRegion,
                                  renderer: MessageRenderer(templates: repository.templates, sms: repository.config.sms,
                                                            attachmentFiles: attachmentFiles))
            let found: SlotItems
            switch schedule.trigger {
            case .upcoming(let upcoming):
                found = try collect(upcoming, of: schedule, slot: slot.date, maker: maker, parameters: prepared.parameters, rows: rows)
            case .overdue(let overdue):
                found = try collect(overdue, of: schedule, slot: slot.date, maker: maker, parameters: prepared.parameters, rows: rows)
            case .change:
                continue
            }
            var items = found.items
            items.removeAll { deferred[$0.id] != slot.text || $0.action != .send }
            let states = try ledger.itemStates(ids: items.map(\.id))
            items.removeAll { states[$0.id] != .skipped }
            consent.apply(to: &items, quiet: false)
            for index in items.indices where items[index].action == .send {
                if let start = items[index].eventAt, start <= at {
                    items[index].action = .skip
                    items[index].reason = .eventStarted
                }
            }
            result += items
        }
        return result
    }
}
