import Foundation

/// `execute`'s check that a plan file is the plan its config and snapshot make: every item is
/// rendered again at the plan's `at` and compared, so a hand-edited body, recipient or subject,
/// a skip turned into a send, or an item added or dropped is refused. Differences name the
/// item and the fields, never their values.
package enum PlanIntegrity {
    /// One part of the plan that is not what the config and snapshot render.
    package struct Difference: Sendable, Equatable, CustomStringConvertible {
        /// The schedule.
        package var schedule: String
        /// The item's id and key; nil when the schedule's slot decision differs.
        package var item: (id: String, key: String)?
        /// What differs, in words (field names and skip reasons only).
        package var what: String

        /// `item ID (schedule S, key K): what`, or `schedule S: what`.
        package var description: String {
            guard let item else { return "schedule \(schedule): \(what)" }
            return "item \(item.id) (schedule \(schedule), key \(item.key)): \(what)"
        }

        package static func == (lhs: Difference, rhs: Difference) -> Bool { lhs.description == rhs.description }
    }

    /// The differences between `plan` and what its schedules render over `rows` and `ledger`
    /// at the plan's `at`: slot decisions, then items. Schedules whose slot the ledger already
    /// holds are left out: recording skips them (they belong to the run that recorded them).
    /// Each reminder of `plan` gets the event time the render gives it: a plan file does not
    /// carry it, and the delivery gate needs it.
    package static func differences(of plan: inout Plan, repository: ConfigRepository, rows: any PreparingRowSource,
                                    ledger: any LedgerView) throws -> [Difference] {
        var recorded = Set<String>()
        for decision in plan.schedules {
            if let slot = decision.slot, try ledger.slotStatus(schedule: decision.schedule, slot: slot) != nil {
                recorded.insert(decision.schedule)
            }
        }
        let selection = Set(plan.schedules.map(\.schedule)).subtracting(recorded)
        let planner = Planner(repository: repository, at: plan.at, snapshotSHA256: plan.snapshotSHA256, selection: selection)
        var ignored = DiagnosticCollector()
        let rendered = planner.plan(rows: rows, ledger: ledger, into: &ignored)
        let eventTimes = Dictionary(rendered.items.compactMap { item in item.eventAt.map { (item.id, $0) } }, uniquingKeysWith: { first, _ in first })
        for index in plan.items.indices { plan.items[index].eventAt = eventTimes[plan.items[index].id] }
        var differences: [Difference] = []
        for decision in plan.schedules where selection.contains(decision.schedule) {
            let now = rendered.schedules.first { $0.schedule == decision.schedule }
            if now?.status != decision.status || now?.slot != decision.slot {
                differences.append(Difference(schedule: decision.schedule, item: nil,
                                              what: "its slot decision differs (\(now?.status.rawValue ?? "absent") now)"))
            }
        }
        return differences + self.differences(planned: plan.items.filter { !recorded.contains($0.schedule) }, rendered: rendered.items)
    }

    /// The differences between `planned` and `rendered` items, matched by id.
    package static func differences(planned: [PlanItem], rendered: [PlanItem]) -> [Difference] {
        let renderedByID = Dictionary(rendered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let plannedIDs = Set(planned.map(\.id))
        var differences: [Difference] = []
        for item in planned {
            let difference = { (what: String) in Difference(schedule: item.schedule, item: (item.id, item.key), what: what) }
            guard let fresh = renderedByID[item.id] else {
                differences.append(difference("the config and snapshot do not produce this item"))
                continue
            }
            let fields = differingFields(item, fresh)
            if !fields.isEmpty {
                differences.append(difference(fields.joined(separator: ", ") + (fields.count == 1 ? " differs" : " differ")))
            } else if item.action == .send, fresh.action == .skip, let reason = fresh.reason, !ledgerReasons.contains(reason) {
                differences.append(difference("the plan sends it, but it renders as skipped (\(reason))"))
            }
        }
        for item in rendered where !plannedIDs.contains(item.id) {
            differences.append(Difference(schedule: item.schedule, item: (item.id, item.key),
                                          what: "the plan leaves out this item, which the config and snapshot produce"))
        }
        return differences
    }

    /// Skip reasons that come from what the ledger holds now rather than from the item: a
    /// plan that sends such an item is not edited, the ledger moved on (delivery checks again).
    static let ledgerReasons: Set<SkipReason> = [.alreadySent, .alreadyPlanned, .failedEarlier]

    /// The names of the content fields (as the plan spells them) in which `a` and `b` differ.
    static func differingFields(_ a: PlanItem, _ b: PlanItem) -> [String] {
        let fields: [(String, (PlanItem) -> String?)] = [
            ("schedule", \.schedule), ("slot", \.slot.text), ("key", \.key), ("occurrence", \.occurrence.text),
            ("channel", { $0.channel.rawValue }), ("recipient", \.recipient), ("body", \.content?.body),
            ("segments", { $0.content?.sms.map { String($0.segments) } }), ("encoding", \.content?.sms?.encoding),
            ("subject", \.content?.email?.subject), ("html", \.content?.email?.html), ("reply_to", \.content?.email?.replyTo),
            ("cc", \.content?.email?.cc), ("bcc", \.content?.email?.bcc),
        ]
        return fields.filter { $0.1(a) != $0.1(b) }.map(\.0)
    }
}
