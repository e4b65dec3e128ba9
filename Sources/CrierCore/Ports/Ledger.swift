import Foundation

/// An item as the ledger holds it.
package struct LedgerItem: Sendable, Equatable {
    /// The planned item, with its rendered content.
    package var item: PlanItem
    /// Where it stands.
    package var state: ItemState
    /// Delivery attempts so far.
    package var attempts: Int
    /// The last error, if any.
    package var lastError: String?
    /// The run that claimed it (set while `sending`, and after).
    package var claimedBy: Int64?
    /// For an item in `sending`: whether its transport began handing over the message's last
    /// byte (before that, a dead run certainly did not deliver it).
    package var handedOver = false

    /// An item in `state` after `attempts` attempts.
    package init(item: PlanItem, state: ItemState, attempts: Int, lastError: String?, claimedBy: Int64? = nil) {
        self.item = item
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.claimedBy = claimedBy
    }
}

extension Array where Element == LedgerItem {
    /// These items in the order of `ids` (what `Ledger.pending(ids:)` returns): an id without an
    /// item is left out, an id found twice gives its first item.
    package func ordered(by ids: [String]) -> [LedgerItem] {
        let byID = Dictionary(map { ($0.item.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }
}

/// One schedule's slot: what `record` claims, so that each slot runs once over all hosts.
package struct ScheduleSlot: Sendable, Hashable, CustomStringConvertible {
    /// The schedule's id.
    package var schedule: String
    /// The slot (UTC ISO 8601).
    package var slot: String

    /// A schedule's slot.
    package init(schedule: String, slot: String) {
        self.schedule = schedule
        self.slot = slot
    }

    /// `schedule@slot`.
    package var description: String { "\(schedule)@\(slot)" }
}

/// What recording a plan did.
package struct RecordResult: Sendable, Equatable {
    /// New items to send.
    package var pending: Int
    /// Skipped items recorded.
    package var skipped: Int
    /// Slots this run claimed (recorded as ran or missed).
    package var claimed: [ScheduleSlot]
    /// Slots another run recorded first, or whose change state another run advanced since it
    /// was read: their items and state were not recorded (the other run has them).
    package var lost: [ScheduleSlot]

    /// Counts of what was recorded.
    package init(pending: Int = 0, skipped: Int = 0, claimed: [ScheduleSlot] = [], lost: [ScheduleSlot] = []) {
        self.pending = pending
        self.skipped = skipped
        self.claimed = claimed
        self.lost = lost
    }
}

/// How one delivery attempt ended, to record in the ledger.
package struct Settlement: Sendable, Equatable {
    /// The item.
    package var id: String
    /// The run that claimed it: the settlement counts only while the item is still `sending`
    /// for that run.
    package var runID: Int64
    /// sent, failed, pending (left for the next run) or uncertain.
    package var state: ItemState
    /// The error text, if any.
    package var error: String?
    /// The provider's message id, if any.
    package var providerID: String?

    /// An outcome of `id`, claimed by `runID`.
    package init(id: String, runID: Int64, state: ItemState, error: String? = nil, providerID: String? = nil) {
        self.id = id
        self.runID = runID
        self.state = state
        self.error = error
        self.providerID = providerID
    }
}

/// The run ledger: what planning reads, what `history` and `failures` read, and every write of
/// a run and of the suppression list. Implementations (SQLite, PostgreSQL) make each call
/// atomic and pass `LedgerConformance`, the suite in CrierTestSupport.
package protocol Ledger: LedgerView, LedgerHistory {
    /// Starts a run record; returns its id.
    func beginRun(command: String, at: Date, clock: Date) throws -> Int64
    /// Records the plan in one transaction. Each due or missed slot is claimed by a unique
    /// row; a slot already recorded, or a change schedule whose state generation is no longer
    /// the one the plan was made against (`Plan.changeGenerations`), is lost: none of its items,
    /// state or definition is recorded. Items of claimed slots: send → pending, skip → skipped;
    /// an id that exists in any state but `skipped` is left alone. Skips that only report the
    /// ledger (already-sent, already-planned, failed-earlier) are not recorded.
    func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult
    /// Items in `sending` whose claiming run is gone (it died mid-delivery).
    func orphanedSending() throws -> [LedgerItem]
    /// Records that the transport is about to hand over the last byte of `id`'s message for
    /// `runID`; durable before it returns. `orphanedSending` reports it as `handedOver`.
    func markHandedOver(id: String, runID: Int64, at: Date) throws
    /// Pending items, oldest first.
    func pending() throws -> [LedgerItem]
    /// The ids of the pending items, in `pending()`'s order: delivery reads the items themselves
    /// a page at a time (`pending(ids:)`) instead of holding every message of a run.
    func pendingIDs() throws -> [String]
    /// Those of `ids` still pending, in the order given.
    func pending(ids: [String]) throws -> [LedgerItem]
    /// Moves `id` from pending to sending for `runID`; false when it is not pending any more.
    func claim(id: String, runID: Int64, at: Date) throws -> Bool
    /// Records the end of an attempt, only while the item is `sending` for `settlement.runID`;
    /// false when it is not (another run took it over).
    @discardableResult
    func settle(_ settlement: Settlement, at: Date) throws -> Bool
    /// Records `settlement` (when given) and claims `id` for `runID` in one transaction; false
    /// when `id` is not pending any more (the settlement is recorded all the same). It may reach
    /// the disk with the next durable record (`markHandedOver`, or the end of the run): it
    /// survives a crash of crier at once, a power cut once that record is written.
    func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool
    /// Records `settlement` (when given), claims `id` for `runID` and marks its hand-over: what
    /// `settle(_:thenClaim:)` and then `markHandedOver` do, for a transport about to hand over
    /// the last byte of `id`'s message. Durable before it returns true, with every record before
    /// it; false when `id` is not pending any more (the settlement is recorded all the same). A
    /// throw leaves open whether the claim was recorded.
    func settle(_ settlement: Settlement?, thenHandOver id: String, runID: Int64, at: Date) throws -> Bool
    /// Notes `error` on each of `ids` still pending, with an event each, in one transaction: a
    /// delivery-wide fault stopped their transport before they were tried (no attempt counted).
    /// Returns how many it noted.
    @discardableResult
    func leavePending(ids: [String], error: String, runID: Int64, at: Date) throws -> Int
    /// Moves pending `id` to skipped with `reason` (the delivery gate withdrew it); false when
    /// it is not pending any more.
    @discardableResult
    func withdraw(id: String, reason: SkipReason, runID: Int64, at: Date) throws -> Bool
    /// Puts each of `ids` whose state is one of `states` back to `pending` (for `crier retry`),
    /// in one transaction, each with a `retried` item event whose detail names `actor` and
    /// what the item was (its state and last error). Returns the ids it moved, in order.
    func requeue(ids: [String], from states: Set<ItemState>, actor: String, at: Date) throws -> [String]
    /// Closes the run record with a one-line summary.
    func finishRun(_ runID: Int64, outcome: String, at: Date) throws
    /// Adds `address` (a normalised key) to the suppression list; false when it was there.
    @discardableResult
    func addOptOut(_ address: String, reason: String?, source: OptOutSource, at: Date) throws -> Bool
    /// Removes `address` from the suppression list; false when it was not there.
    @discardableResult
    func removeOptOut(_ address: String) throws -> Bool
    /// Records inbound `replies` in one transaction. Per sender, the latest keyword reply by
    /// received_at (over every import) decides, and only when that reply is new: STOP adds the
    /// sender to the suppression list, START removes it. Importing again changes nothing.
    func importInbound(_ replies: [InboundReply], at: Date) throws -> InboundImport
}

extension Ledger {
    /// Two records, the claim's and the hand-over's (a ledger that can make them one overrides it).
    package func settle(_ settlement: Settlement?, thenHandOver id: String, runID: Int64, at: Date) throws -> Bool {
        guard try settle(settlement, thenClaim: id, runID: runID, at: at) else { return false }
        try markHandedOver(id: id, runID: runID, at: at)
        return true
    }
}
