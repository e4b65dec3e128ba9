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
        Check(name: "pending ids come in pending()'s order, and items by id come in the order asked, pending ones only") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            // Two slots recorded at different times; keys, and one key with two recipients.
            _ = try ledger.record(plan(slot: slotA, items: ["J3", "J1", "J2", "J10"].map { item($0) } + [item("J1", recipient: "+64211111111")]),
                                  runID: run, at: at)
            _ = try ledger.record(plan(slot: slotB, items: [item("K2", slot: slotB), item("K1", slot: slotB)]), runID: run, at: at.addingTimeInterval(60))
            let all = try ledger.pending()
            let ids = try ledger.pendingIDs()
            #expect(ids == all.map(\.item.id) && Set(ids).count == 7)
            #expect(try ledger.pending(ids: ids) == all)
            #expect(try ledger.pending(ids: Array(ids[2..<5])) == Array(all[2..<5]))
            #expect(try ledger.pending(ids: [ids[4], ids[1]]).map(\.item.id) == [ids[4], ids[1]], "the order asked")
            #expect(try ledger.claim(id: ids[1], runID: run, at: at))
            #expect(try ledger.pending(ids: Array(ids[0..<3])).map(\.item.id) == [ids[0], ids[2]], "a claimed item is not pending")
            #expect(try ledger.pending(ids: ["no-such-item"]).isEmpty)
            #expect(try ledger.pending(ids: []).isEmpty)
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
            #expect(orphans.first?.handedOver == false)
            #expect(try ledger.settle(Settlement(id: item("J1").id, runID: dead, state: .uncertain, error: "died"), at: at))
            #expect(try ledger.orphanedSending().isEmpty)
            #expect(try ledger.pending().map(\.item.id) == [item("J2").id])
            #expect(try ledger.failures(since: at).map(\.state) == ["uncertain"])
        },
        Check(name: "an item claimed at its hand-over carries the previous outcome and is listed as handed over") { fresh in
            let ledger = try fresh().openForRun()
            let dead = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2"), item("J3")]), runID: dead, at: at)
            let (j1, j2, j3) = (item("J1").id, item("J2").id, item("J3").id)
            #expect(try ledger.settle(nil, thenHandOver: j1, runID: dead, at: at))
            #expect(try ledger.settle(Settlement(id: j1, runID: dead, state: .sent, providerID: "q1"), thenHandOver: j2, runID: dead, at: at))
            #expect(try ledger.itemStates(ids: [j1, j2, j3]) == [j1: .sent, j2: .sending, j3: .pending])
            let other = try ledger.beginRun(command: "run", at: at, clock: at)
            #expect(try !ledger.settle(nil, thenHandOver: j2, runID: other, at: at), "run \(dead)'s item")
            let orphans = try ledger.orphanedSending()
            #expect(orphans.map(\.item.id) == [j2])
            #expect(orphans.first?.handedOver == true)
            #expect(orphans.first?.claimedBy == dead)
            // The outcome rides on the next claim even when that claim is lost.
            #expect(try ledger.claim(id: j3, runID: other, at: at))
            #expect(try !ledger.settle(Settlement(id: j2, runID: dead, state: .failed, error: "550"), thenHandOver: j3, runID: dead, at: at))
            #expect(try ledger.itemStates(ids: [j2, j3]) == [j2: .failed, j3: .sending])
        },
        Check(name: "items a stopped transport never tried keep waiting, with the fault noted and no attempt counted") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2"), item("J3")]), runID: run, at: at)
            let (j1, j2, j3) = (item("J1").id, item("J2").id, item("J3").id)
            #expect(try ledger.claim(id: j2, runID: run, at: at))
            #expect(try ledger.leavePending(ids: [j1, j2, j3, "no-such-item"], error: "smtp down", runID: run, at: at) == 2)
            #expect(try ledger.itemStates(ids: [j1, j2, j3]) == [j1: .pending, j2: .sending, j3: .pending])
            let pending = try ledger.pending()
            #expect(pending.map(\.item.id) == [j1, j3])
            #expect(pending.allSatisfy { $0.lastError == "smtp down" && $0.attempts == 0 })
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
        Check(name: "retry puts failed items back to pending with an event; uncertain ones only when allowed") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            let items = (1...4).map { item("J\($0)") }
            _ = try ledger.record(plan(slot: slotA, items: items), runID: run, at: at)
            let outcomes: [ItemState] = [.failed, .uncertain, .sent]
            for (item, state) in zip(items, outcomes) {
                #expect(try ledger.claim(id: item.id, runID: run, at: at))
                try ledger.settle(Settlement(id: item.id, runID: run, state: state, error: state == .sent ? nil : "535 5.7.8 refused"), at: at)
            }
            let ids = items.map(\.id)
            let later = at.addingTimeInterval(600)
            #expect(try ledger.requeue(ids: ids, from: [.failed], actor: "ops on host1", at: later) == [ids[0]],
                    "only the failed one; uncertain, sent and pending stay")
            #expect(try ledger.itemStates(ids: ids) == [ids[0]: .pending, ids[1]: .uncertain, ids[2]: .sent, ids[3]: .pending])
            #expect(try ledger.requeue(ids: [ids[0]], from: [.failed], actor: "ops on host1", at: later).isEmpty, "pending already")
            #expect(try ledger.requeue(ids: [ids[1], "no-such-id"], from: [.failed, .uncertain], actor: "ops", at: later) == [ids[1]])
            let events = try ledger.events(itemID: ids[0])
            // A ledger may log each claim as `sending` (PostgreSQL does; SQLite keeps it in the row).
            #expect(events.map(\.state).filter { $0 != "sending" } == ["pending", "failed", "retried"])
            #expect(events.last?.detail == "by ops on host1; was failed: 535 5.7.8 refused")
            #expect(events.last?.at == Timestamp.utc(later))
            #expect(events.first?.command == "run")
            #expect(try ledger.events(itemID: "no-such-id").isEmpty)
            // The retried item goes out once more, through the usual claim.
            let next = try ledger.beginRun(command: "run", at: later, clock: later)
            #expect(try ledger.pending().map(\.item.id) == [ids[0], ids[1], ids[3]])
            #expect(try ledger.claim(id: ids[0], runID: next, at: later))
            #expect(try ledger.settle(Settlement(id: ids[0], runID: next, state: .sent), at: later))
            #expect(try ledger.events(itemID: ids[0]).last.map { [$0.state, $0.at] } == ["sent", Timestamp.utc(later)])
            #expect(try ledger.failures(since: at).isEmpty)
        },
        Check(name: "crier retry names what it refuses and then puts nothing back") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            let items = (1...4).map { item("J\($0)") }
            _ = try ledger.record(plan(slot: slotA, items: items), runID: run, at: at)
            for (item, state) in zip(items, [ItemState.failed, .uncertain, .sent]) {
                #expect(try ledger.claim(id: item.id, runID: run, at: at))
                try ledger.settle(Settlement(id: item.id, runID: run, state: state, error: "e"), at: at)
            }
            let (failed, uncertain, sent, pending) = (items[0].id, items[1].id, items[2].id, items[3].id)
            let retry = Retry(actor: "ops")
            let refused = try retry.run(.named([failed, uncertain, sent, "nope", pending]), ledger: ledger, at: at)
            #expect(refused.refusals == [.uncertain(uncertain), .nothingToRetry(sent, .sent), .unknown("nope")])
            #expect(refused.requeued.isEmpty)
            #expect(try ledger.itemStates(ids: [failed]) == [failed: .failed], "nothing put back while any id is refused")
            let named = try retry.run(.uncertain([uncertain, failed, failed, pending]), ledger: ledger, at: at)
            #expect(named == Retry.Outcome(requeued: [uncertain, failed], alreadyPending: [pending]))
            #expect(try ledger.claim(id: failed, runID: run, at: at))
            try ledger.settle(Settlement(id: failed, runID: run, state: .failed, error: "again"), at: at)
            #expect(try retry.run(.failed(since: at.addingTimeInterval(1)), ledger: ledger, at: at).requeued.isEmpty, "outside the window")
            #expect(try retry.run(.failed(since: at), ledger: ledger, at: at).requeued == [failed])
        },
        Check(name: "items waiting over an hour are listed from when their wait began, not from their last attempt") { fresh in
            let ledger = try fresh().openForRun()
            let run = try ledger.beginRun(command: "run", at: at, clock: at)
            _ = try ledger.record(plan(slot: slotA, items: [item("J1"), item("J2")]), runID: run, at: at)
            // A stopped transport leaves J1 pending with its error, run after run.
            for minutes in [5.0, 65, 125] {
                let tick = at.addingTimeInterval(minutes * 60)
                #expect(try ledger.claim(id: item("J1").id, runID: run, at: tick))
                try ledger.settle(Settlement(id: item("J1").id, runID: run, state: .pending, error: "535 refused"), at: tick)
            }
            let twoHoursOn = at.addingTimeInterval(2 * 3600 + 600)
            let waiting = try ledger.waitingPending(since: twoHoursOn.addingTimeInterval(-3600))
            #expect(waiting.map(\.key) == ["J1", "J2"])
            #expect(waiting.first?.error == "535 refused")
            #expect(waiting.first?.waitingSince == Timestamp.utc(at), "the wait began when it was recorded")
            #expect(try ledger.waitingPending(since: at).isEmpty, "nothing waited before it was recorded")
            // J2 fails; retried two hours on, its wait begins again at the retry.
            #expect(try ledger.claim(id: item("J2").id, runID: run, at: at))
            try ledger.settle(Settlement(id: item("J2").id, runID: run, state: .failed, error: "550"), at: at)
            _ = try ledger.requeue(ids: [item("J2").id], from: [.failed], actor: "ops", at: twoHoursOn)
            #expect(try ledger.waitingPending(since: twoHoursOn).map(\.key) == ["J1"])
            let retried = try ledger.waitingPending(since: twoHoursOn.addingTimeInterval(1)).last
            #expect(retried?.key == "J2")
            #expect(retried?.waitingSince == Timestamp.utc(twoHoursOn))
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
    package static func item(_ key: String, slot: String = slotA, recipient: String = "+64211234567", action: PlanItem.Action = .send,
                     reason: SkipReason? = nil) -> PlanItem {
        PlanItem(id: PlanItem.id(schedule: "s", key: key, occurrence: "o", channel: .sms, recipient: recipient), schedule: "s",
                 slot: Slot(text: slot)!, key: key, occurrence: "o", channel: .sms, recipient: recipient, action: action,
                 reason: reason, content: .sms(SMSContent(body: "Hello \(key)", segments: 1, encoding: "GSM-7")))
    }
}
