import Foundation

/// One item an earlier run left pending, with what the next delivery would do with it: the
/// delivery gate's verdict (SPEC §5) at the plan's instant.
package struct BacklogItem: Sendable, Equatable {
    /// The pending item as the ledger holds it.
    package var entry: LedgerItem
    /// Deliver, withdraw (with the reason) or hold (wait, with the reason).
    package var verdict: GateVerdict

    /// An item and its verdict.
    package init(entry: LedgerItem, verdict: GateVerdict) {
        self.entry = entry
        self.verdict = verdict
    }

    /// What the next run does with it, as the plan shows it: `send`, `skip` or `wait`.
    package var action: String {
        switch verdict {
        case .deliver: return "send"
        case .withdraw: return "skip"
        case .hold: return "wait"
        }
    }

    /// Why it is not sent now, if it is not.
    package var reason: String? {
        switch verdict {
        case .deliver: return nil
        case .withdraw(let reason): return reason.description
        case .hold(let reason): return reason.rawValue
        }
    }

    /// Ordered JSON: the item's identity, what the next run does, and its last error.
    package var json: JSONValue {
        let item = entry.item
        var pairs: [(String, JSONValue)] = [
            ("id", .string(item.id)), ("schedule", .string(item.schedule)), ("slot", .string(item.slot.text)),
            ("key", .string(item.key)), ("occurrence", .string(item.occurrence.text)), ("channel", .string(item.channel.rawValue)),
            ("recipient", .string(item.recipient)), ("action", .string(action)),
        ]
        if let reason { pairs.append(("reason", .string(reason))) }
        pairs.append(("attempts", .int(entry.attempts)))
        if let error = entry.lastError { pairs.append(("last_error", .string(error))) }
        return .object(pairs)
    }
}

extension DeliveryRules {
    /// The verdict on each of `pending`, in their order (the order the next run takes them, so
    /// the first ones get the room `max_per_day` has left), at `now`.
    package func backlog(_ pending: [LedgerItem], at now: Date) -> [BacklogItem] {
        pending.map { BacklogItem(entry: $0, verdict: verdict(for: $0.item, at: now)) }
    }
}
