import Foundation

/// The one check every item passes just before it is delivered, whether planned by this run,
/// left pending by an earlier one, or executed from a saved plan. The delivery runtime asks it
/// for each pending item before claiming it and does what it says.
package protocol DeliveryGate: Sendable {
    /// Whether `item` may go out at `now`.
    func verdict(for item: PlanItem, at now: Date) -> GateVerdict
}

/// What the gate decided for one item.
package enum GateVerdict: Sendable, Equatable {
    /// Deliver it now.
    case deliver
    /// Never deliver it: record it as skipped with the reason.
    case withdraw(SkipReason)
    /// Not now: it stays pending for a later run (the reason is logged).
    case hold(String)
}

/// The gate of today: an item whose recipient is on the suppression list is withdrawn as
/// `opted-out` (the list as the ledger holds it when delivery starts).
package struct ConsentGate: DeliveryGate {
    /// The suppression list: E.164 numbers and lower-cased email addresses.
    package var optedOut: Set<String>

    /// A gate over `optedOut`.
    package init(optedOut: Set<String>) { self.optedOut = optedOut }

    /// A gate over the suppression list `ledger` holds now; throws when it cannot be read
    /// (nobody may then be messaged).
    package init(ledger: any LedgerView) throws { optedOut = try ledger.optOutKeys() }

    /// Withdraws items to opted-out recipients.
    package func verdict(for item: PlanItem, at now: Date) -> GateVerdict {
        let listed = optedOut.contains(item.recipient) || (item.channel == .email && optedOut.contains(item.recipient.lowercased()))
        return listed ? .withdraw(.optedOut) : .deliver
    }
}
