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
    /// For an item in `sending`: whether its transport began handing over the message's last
    /// byte (before that, a dead run certainly did not deliver it).
    package var handedOver = false

    /// An item in `state` after `attempts` attempts.
    package init(item: PlanItem, state: ItemState, attempts: Int, lastError: String?) {
        self.item = item
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
    }
}

/// How many items recording a plan added.
package struct RecordResult: Sendable, Equatable {
    /// New items to send.
    package var pending: Int
    /// Skipped items recorded.
    package var skipped: Int
    /// Slots marked as ran or missed.
    package var slots: Int

    /// Counts of what was recorded.
    package init(pending: Int, skipped: Int, slots: Int) {
        self.pending = pending
        self.skipped = skipped
        self.slots = slots
    }
}

/// The run ledger: what planning reads, plus the writes of a run. Implementations make each
/// call atomic; `record` is one transaction.
package protocol Ledger: LedgerView {
    /// Starts a run record; returns its id.
    func beginRun(command: String, at: Date, clock: Date) throws -> Int64
    /// Records slots (ran / missed) and items (send → pending, skip → skipped) in one
    /// transaction. Items whose id exists in any state but `skipped` are left alone.
    func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult
    /// Items left in `sending` by a run that died (never those of a run still alive).
    func orphanedSending() throws -> [LedgerItem]
    /// Records that the transport is about to hand over the last byte of `id`'s message;
    /// durable before it returns.
    func markHandedOver(id: String, runID: Int64, at: Date) throws
    /// Pending items, oldest first.
    func pending() throws -> [LedgerItem]
    /// Moves `id` from pending to sending for `runID`; false when someone else has it.
    func claim(id: String, runID: Int64, at: Date) throws -> Bool
    /// Records the end of an attempt: sent, failed, back to pending (transient), or uncertain.
    func settle(id: String, state: ItemState, error: String?, providerID: String?, at: Date) throws
    /// Records `settlement` (when given) and claims `id` in one transaction; false when
    /// someone else has `id` (the settlement is recorded all the same).
    func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool
    /// Closes the run record with a one-line summary.
    func finishRun(_ runID: Int64, outcome: String, at: Date) throws
}

/// How one delivery attempt ended, to record in the ledger.
package struct Settlement: Sendable, Equatable {
    /// The item.
    package var id: String
    /// sent, failed, or pending (left for the next run).
    package var state: ItemState
    /// The error text, if any.
    package var error: String?
    /// The provider's message id, if any.
    package var providerID: String?

    /// An outcome of `id`.
    package init(id: String, state: ItemState, error: String?, providerID: String?) {
        self.id = id
        self.state = state
        self.error = error
        self.providerID = providerID
    }
}
