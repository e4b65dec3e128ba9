import CrierCore
import Foundation
import Testing

/// What every `Ledger` must do, written against the port only (SPEC §4: each slot runs once,
/// each item is delivered once, each change event is sent once). An implementation's tests run
/// every check over fresh, empty storages:
///
///     @Test(arguments: LedgerConformance.checks)
///     func conforms(_ check: LedgerConformance.Check) throws {
///         try check.run { LedgerFile(path: freshPath()) }
///     }
package enum LedgerConformance {
    /// One named behaviour.
    package struct Check: Sendable, CustomTestStringConvertible {
        /// What it checks.
        package let name: String
        let body: @Sendable (_ fresh: () throws -> any LedgerStorage) throws -> Void

        /// Runs the check; `fresh` makes a new, empty storage each time it is called.
        package func run(_ fresh: () throws -> any LedgerStorage) throws { try body(fresh) }

        /// The name, in test reports.
        package var testDescription: String { name }
    }

    /// Every check.
    package static let checks: [Check] = [
        Check(name: "no ledger until a run or a write creates it") { fresh in
            let storage = try fresh()
            #expect(try storage.openForReading() == nil)
            _ = try storage.openForRun()
            let reader = try #require(try storage.openForReading())
            #expect(try reader.stateCounts().isEmpty)
            #expect(try reader.slotStatus(schedule: "s", slot: slotA) == nil)
        },
        Check(name: "the run lock admits one run until it is gone") { fresh in
            let storage = try fresh()
            var first: (any Ledger)? = try storage.openForRun()
            #expect(first != nil)
            let error = #expect(throws: LedgerError.self) { _ = try storage.openForRun() }
            guard case .locked? = error else {
                Issue.record("a second run got \(String(describing: error)), not .locked")
                return
            }
            first = nil
            // A server may end the holder's session a moment after the client closes it.
            let deadline = Date().addingTimeInterval(5)
            while true {
                do {
                    _ = try storage.openForRun()
                    break
                } catch LedgerError.locked where Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        },
        Check(name: "record claims each slot once; a run that loses the slot records none of its items") { fresh in
            let ledger = try fresh().openForRun()
            let plan = Self.plan(slot: slotA, items: [item("J1"), item("J2"), item("J3", action: .skip, reason: .invalidAddress)])
            let first = try ledger.record(plan, runID: try ledger.beginRun(command: "run", at: at, clock: at), at: at)
            #expect(first.claimed == [ScheduleSlot(schedule: "s", slot: slotA)])
            #expect(first.lost.isEmpty)
            #expect(first.pending == 2)
            #expect(first.skipped == 1)
            #expect(try ledger.slotStatus(schedule: "s", slot: slotA) == .ran)
            var again = plan
            again.items.append(item("J4"))
            let second = try ledger.record(again, runID: try ledger.beginRun(command: "run", at: at, clock: at), at: at)
            #expect(second.claimed.isEmpty)
            #expect(second.lost == [ScheduleSlot(schedule: "s", slot: slotA)])
            #expect(second.pending == 0)
            #expect(try ledger.itemStates(ids: [item("J4").id]).isEmpty, "an item of a lost slot is not recorded")
            #expect(try ledger.stateCounts() == [.pending: 2, .skipped: 1])
        },
        Check(name: "a pending reminder keeps its event time for the delivery gate") { fresh in
            let ledger = try fresh().openForRun()
            var reminder = item("J1")
            reminder.eventAt = at.addingTimeInterval(57_600)
            _ = try ledger.record(Self.plan(slot: slotA, items: [reminder, item("J2")]), runID: try ledger.beginRun(command: "run", at: at, clock: at),
                                  at: at)
            let pending = try ledger.pending()
            #expect(pending.map(\.item.key) == ["J1", "J2"])
            #expect(pending.map(\.item.eventAt) == [at.addingTimeInterval(57_600), nil])
            #expect(pending.first?.item == reminder)
        },
        Check(name: "a change schedule's state advances only from the generation its plan read") { fresh in
            let ledger = try fresh().openForRun()
            #expect(try ledger.changeGeneration(schedule: "s") == 0)
            func changePlan(_ slot: String, generation: Int64, key: String) -> Plan {
                var plan = Self.plan(slot: slot, items: [item(key, slot: slot)])
                plan.definitions = ["s": "definition"]
                plan.changeGenerations = generation == 0 ? [:] : ["s": generation]
                plan.stateUpdates = [ChangeStateUpdate(schedule: "s", key: key, fingerprint: "ab", rows: "[]")]
                return plan
            }
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            #expect(try ledger.record(changePlan(slotA, generation: 0, key: "K1"), runID: run, at: at).claimed.count == 1)
            #expect(try ledger.changeGeneration(schedule: "s") == 1)
            // A second run that read the state before the first recorded: its events are stale.
            let stale = try ledger.record(changePlan(slotB, generation: 0, key: "K2"), runID: run, at: at)
            #expect(stale.lost == [ScheduleSlot(schedule: "s", slot: slotB)])
            #expect(try ledger.changeFingerprints(schedule: "s").keys.sorted() == ["K1"])
            #expect(try ledger.itemStates(ids: [item("K2", slot: slotB).id]).isEmpty)
            #expect(try ledger.slotStatus(schedule: "s", slot: slotB) == nil, "the slot stays open for a run with fresh state")
            let fresh = try ledger.record(changePlan(slotB, generation: 1, key: "K2"), runID: run, at: at)
            #expect(fresh.claimed.count == 1)
            #expect(try ledger.changeGeneration(schedule: "s") == 2)
            #expect(try ledger.changeDefinition(schedule: "s") == "definition")
        },
        Check(name: "an item is claimed once and settled only by the run that claimed it") { fresh in
            let ledger = try fresh().openForRun()
            let run1 = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2")]), runID: run1, at: at)
            let id = item("J1").id
            #expect(try ledger.claim(id: id, runID: run1, at: at))
            let run2 = try ledger.beginRun(command: "run", at: at, clock: at)
            #expect(try !ledger.claim(id: id, runID: run2, at: at))
            #expect(try !ledger.settle(Settlement(id: id, runID: run2, state: .sent), at: at), "not run 2's item")
            #expect(try ledger.itemStates(ids: [id]) == [id: .sending])
            #expect(try ledger.settle(Settlement(id: id, runID: run1, state: .sent, providerID: "p1"), at: at))
            #expect(try !ledger.settle(Settlement(id: id, runID: run1, state: .failed), at: at), "settled once")
            // Settling one item and claiming the next is one call.
            let next = item("J2").id
            #expect(try ledger.claim(id: next, runID: run1, at: at))
            #expect(try ledger.settle(Settlement(id: next, runID: run1, state: .pending, error: "later"), thenClaim: next, runID: run1, at: at))
            #expect(try ledger.itemStates(ids: [id, next]) == [id: .sent, next: .sending])
            #expect(try ledger.sentCount(channels: [.sms], since: at) == 1)
            #expect(try ledger.sentCount(channels: [.email], since: at) == 0)
        },
        Check(name: "items a dead run left sending are listed with their run, to settle as that run") { fresh in
            let ledger = try fresh().openForRun()
            let dead = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2")]), runID: dead, at: at)
            #expect(try ledger.claim(id: item("J1").id, runID: dead, at: at))
            let orphans = try ledger.orphanedSending()
            #expect(orphans.map(\.item.id) == [item("J1").id])
            #expect(orphans.first?.claimedBy == dead)
            #expect(orphans.first?.item == item("J1"))
            #expect(try ledger.settle(Settlement(id: item("J1").id, runID: dead, state: .uncertain, error: "died"), at: at))
            #expect(try ledger.orphanedSending().isEmpty)
            #expect(try ledger.pending().map(\.item.id) == [item("J2").id])
            #expect(try ledger.failures(since: at).map(\.state) == ["uncertain"])
        },
        Check(name: "the gate withdraws pending items only") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2")]), runID: run, at: at)
            #expect(try ledger.claim(id: item("J2").id, runID: run, at: at))
            #expect(try ledger.withdraw(id: item("J1").id, reason: .optedOut, runID: run, at: at))
            #expect(try !ledger.withdraw(id: item("J1").id, reason: .optedOut, runID: run, at: at))
            #expect(try !ledger.withdraw(id: item("J2").id, reason: .optedOut, runID: run, at: at), "sending is not withdrawn")
            let entry = try #require(try ledger.history(HistoryFilter(key: "J1"), limit: 10).first)
            #expect(entry.state == "skipped")
            #expect(entry.reason == "opted-out")
        },
        Check(name: "the daily cap counts today's sent items and the waiting ones") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: (1...4).map { item("J\($0)") }), runID: run, at: at)
            #expect(try ledger.claim(id: item("J1").id, runID: run, at: at))
            try ledger.settle(Settlement(id: item("J1").id, runID: run, state: .sent), at: at)
            #expect(try ledger.claim(id: item("J2").id, runID: run, at: at))
            try ledger.settle(Settlement(id: item("J2").id, runID: run, state: .failed, error: "550"), at: at)
            // 1 sent + 2 pending; the failed one is not counted.
            #expect(try ledger.dailyCapUsage(channels: [.sms], since: at) == 3)
            #expect(try ledger.dailyCapUsage(channels: [.sms], since: at.addingTimeInterval(60)) == 2)
            #expect(try ledger.dailyCapUsage(channels: [.email], since: at) == 0)
        },
        Check(name: "skips that only report the ledger are not recorded; quiet-hours skips are, and can go out later") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            let quiet = item("J1", action: .skip, reason: .quietHours)
            let reported = item("J2", action: .skip, reason: .alreadySent)
            _ = try ledger.record(plan(slot: slotA, items: [quiet, reported]), runID: run, at: at)
            #expect(try ledger.itemStates(ids: [quiet.id, reported.id]) == [quiet.id: .skipped])
            #expect(try ledger.quietHoursItems(schedule: "s", since: slotA) == [quiet.id: slotA])
            #expect(try ledger.quietHoursItems(schedule: "s", since: slotB).isEmpty)
            var later = plan(slot: slotB, items: [item("J1")])
            later.schedules = [SlotDecision(schedule: "s", slot: slotA, status: .alreadyRun)]
            #expect(try ledger.record(later, runID: run, at: at).pending == 1)
            #expect(try ledger.itemStates(ids: [quiet.id]) == [quiet.id: .pending])
        },
        Check(name: "the suppression list: add, list, remove, and inbound STOP and START") { fresh in
            let ledger = try fresh().openForWriting()
            #expect(try ledger.addOptOut("+64211111111", reason: "asked", source: .manual, at: at))
            #expect(try !ledger.addOptOut("+64211111111", reason: nil, source: .manual, at: at))
            let stop = InboundReply(line: 2, from: "+64212222222", body: "STOP", receivedAt: "2026-11-23T01:00:00Z", keyword: .stop)
            let result = try ledger.importInbound([stop], at: at)
            #expect(result.optedOut == ["+64212222222"])
            #expect(try ledger.importInbound([stop], at: at).knownReplies == 1)
            #expect(try ledger.optOutKeys() == ["+64211111111", "+64212222222"])
            #expect(try ledger.optOuts().map(\.source) == ["manual", "inbound"])
            let start = InboundReply(line: 3, from: "+64212222222", body: "START", receivedAt: "2026-11-23T02:00:00Z", keyword: .start)
            #expect(try ledger.importInbound([start], at: at).optedIn == ["+64212222222"])
            #expect(try ledger.removeOptOut("+64211111111"))
            #expect(try !ledger.removeOptOut("+64211111111"))
            #expect(try ledger.optOutKeys().isEmpty)
        },
        Check(name: "history filters by key, recipient and schedule and counts what was sent") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            let items = [item("J1"), item("J1", recipient: "+64213333333"), item("J2")]
            _ = try ledger.record(plan(slot: slotA, items: items), runID: run, at: at)
            for item in items {
                #expect(try ledger.claim(id: item.id, runID: run, at: at))
                try ledger.settle(Settlement(id: item.id, runID: run, state: .sent), at: at)
            }
            #expect(try ledger.history(HistoryFilter(key: "J1"), limit: 10).count == 2)
            #expect(try ledger.history(HistoryFilter(recipient: "+64213333333"), limit: 10).map(\.key) == ["J1"])
            #expect(try ledger.history(HistoryFilter(schedule: "other"), limit: 10).isEmpty)
            #expect(try ledger.history(HistoryFilter(), limit: 2).count == 2)
            let perKey = try ledger.sentCounts(by: .key, HistoryFilter())
            #expect(perKey.map(\.subject) == ["J1", "J2"])
            #expect(perKey.map(\.sms) == [2, 1])
            #expect(try ledger.stateCounts() == [.sent: 3])
        },
    ]

    static let at = Date(timeIntervalSince1970: 1_795_406_400)
    static let slotA = "2026-11-23T04:00:00Z"
    static let slotB = "2026-11-24T04:00:00Z"

    /// A plan with schedule `s` due at `slot`.
    static func plan(slot: String, items: [PlanItem]) -> Plan {
        Plan(at: at, configSHA256: "c", snapshotSHA256: "s", schedules: [SlotDecision(schedule: "s", slot: slot, status: .due)],
             items: items)
    }

    /// An SMS item of schedule `s` about `key`.
    static func item(_ key: String, slot: String = slotA, recipient: String = "+64211234567", action: PlanItem.Action = .send,
                     reason: SkipReason? = nil) -> PlanItem {
        PlanItem(id: PlanItem.id(schedule: "s", key: key, occurrence: "o", channel: .sms, recipient: recipient), schedule: "s",
                 slot: slot, key: key, occurrence: "o", channel: .sms, recipient: recipient, action: action,
                 reason: reason?.description, body: "Hello \(key)", segments: 1, encoding: "GSM-7")
    }
}
