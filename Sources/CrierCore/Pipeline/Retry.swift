import Foundation

/// `crier retry`: puts failed items (or uncertain ones, named one by one) back to pending, so
/// that the next run delivers them through the delivery-time rules (SPEC §5, §7). Decides
/// which items may go back; the ledger only moves them, each with a `retried` event.
package struct Retry {
    /// What is asked for.
    package enum Selection: Sendable, Equatable {
        /// The named items; each must be failed.
        case named([String])
        /// The named items; each may be failed or uncertain (it may have reached its recipient,
        /// so never in bulk).
        case uncertain([String])
        /// Every failed item changed at or after the instant.
        case failed(since: Date)
    }

    /// Why a named item is not put back; nothing is when any is refused.
    package enum Refusal: Sendable, Equatable, CustomStringConvertible {
        /// No item has this id.
        case unknown(String)
        /// The item is sent, skipped or being settled: there is nothing to retry.
        case nothingToRetry(String, ItemState)
        /// The item is uncertain and was not named with `--uncertain`.
        case uncertain(String)

        /// What to tell the operator, with what to do.
        package var description: String {
            switch self {
            case .unknown(let id):
                return "no item \(id) in the ledger. `crier failures` lists failed and uncertain items with their ids (`crier history --format json` every item)"
            case .nothingToRetry(let id, .sent):
                return "item \(id) is sent: nothing to retry (crier never sends an item twice)"
            case .nothingToRetry(let id, .skipped):
                return "item \(id) is skipped: nothing to retry. `crier history --item \(id)` says why it was skipped"
            case .nothingToRetry(let id, .sending):
                return "item \(id) is sending: a run died delivering it and the next run settles it (sent, or uncertain); nothing to retry"
            case .nothingToRetry(let id, let state):
                return "item \(id) is \(state.rawValue): nothing to retry"
            case .uncertain(let id):
                return "item \(id) is uncertain: its message may have reached the recipient. Check with them or the server's log; "
                    + "to send it again anyway, name it with `crier retry --uncertain \(id)`"
            }
        }
    }

    /// What a retry did.
    package struct Outcome: Sendable, Equatable {
        /// Items put back to pending, in the order asked.
        package var requeued: [String] = []
        /// Named items that were pending already (nothing to do).
        package var alreadyPending: [String] = []
        /// Named items refused; when there are any, nothing was put back.
        package var refusals: [Refusal] = []

        /// An outcome.
        package init(requeued: [String] = [], alreadyPending: [String] = [], refusals: [Refusal] = []) {
            self.requeued = requeued
            self.alreadyPending = alreadyPending
            self.refusals = refusals
        }
    }

    /// The detail of the `retried` event of an item that was `state` with `error`.
    package static func eventDetail(actor: String, state: ItemState, error: String?) -> String {
        "by \(actor); was \(state.rawValue)" + (error.map { ": \(Redaction.redact($0))" } ?? "")
    }

    /// Who retries, for the item events (`root on host1`).
    package var actor: String

    /// A retry by `actor`.
    package init(actor: String) { self.actor = actor }

    /// Puts the items of `selection` back to pending in `ledger` at `now`. Named items are
    /// all checked first: any refusal puts nothing back.
    package func run(_ selection: Selection, ledger: any Ledger, at now: Date) throws -> Outcome {
        switch selection {
        case .failed(let since):
            let ids = try ledger.failures(since: since).filter { $0.state == ItemState.failed.rawValue }.map(\.id)
            return Outcome(requeued: try ledger.requeue(ids: ids, from: [.failed], actor: actor, at: now))
        case .named(let ids):
            return try requeue(ids, from: [.failed], ledger: ledger, at: now)
        case .uncertain(let ids):
            return try requeue(ids, from: [.failed, .uncertain], ledger: ledger, at: now)
        }
    }

    private func requeue(_ named: [String], from retryable: Set<ItemState>, ledger: any Ledger, at now: Date) throws -> Outcome {
        var ids: [String] = []
        for id in named where !ids.contains(id) { ids.append(id) }
        let states = try ledger.itemStates(ids: ids)
        var outcome = Outcome()
        for id in ids {
            switch states[id] {
            case nil: outcome.refusals.append(.unknown(id))
            case .pending?: outcome.alreadyPending.append(id)
            case .uncertain? where !retryable.contains(.uncertain): outcome.refusals.append(.uncertain(id))
            case let state? where !retryable.contains(state): outcome.refusals.append(.nothingToRetry(id, state))
            default: break
            }
        }
        guard outcome.refusals.isEmpty else { return outcome }
        let wanted = ids.filter { !outcome.alreadyPending.contains($0) }
        outcome.requeued = try ledger.requeue(ids: wanted, from: retryable, actor: actor, at: now)
        return outcome
    }
}
