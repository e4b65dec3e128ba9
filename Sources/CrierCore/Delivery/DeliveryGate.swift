import Foundation

/// The one check every item passes just before it is delivered, whether planned by this run,
/// left pending by an earlier one, re-queued by `crier retry`, or executed from a saved plan.
/// The delivery runtime asks it for each pending item before claiming it and does what it says.
package protocol DeliveryGate: Sendable {
    /// Whether `item` may go out at `now`.
    func verdict(for item: PlanItem, at now: Date) -> GateVerdict
    /// `item` was let through but not delivered (not claimed, or not accepted): whatever it
    /// took (a place under `max_per_day`) goes back.
    func release(_ item: PlanItem)
}

extension DeliveryGate {
    /// Nothing to give back.
    package func release(_ item: PlanItem) {}
}

/// What the gate decided for one item.
package enum GateVerdict: Sendable, Equatable {
    /// Deliver it now.
    case deliver
    /// Never deliver it: record it as skipped with the reason.
    case withdraw(SkipReason)
    /// Not now: it stays pending for a later run.
    case hold(HoldReason)
}

/// Why an item waits, pending, for a later run.
package enum HoldReason: String, Sendable, Equatable {
    /// An SMS inside its schedule's quiet hours.
    case quietHours = "quiet-hours"
    /// `email.smtp.max_per_day` is used up today.
    case dailyCap = "daily-cap"
    /// The suppression list (`opt_out_query`) could not be read: nobody may be messaged.
    case optOutsUnread = "opt-outs-unread"
}

/// How one schedule's items are judged at delivery.
package struct DeliveryTerms: Sendable, Equatable {
    /// How long after its slot an item may still go out (`expires_after`, default 24h).
    package var expiresAfter: TimeInterval
    /// When its SMS wait; nil: never.
    package var quietHours: QuietHours?
    /// The zone quiet hours are read in.
    package var timeZone: TimeZone

    /// Terms of `expiresAfter` seconds and `quietHours` read in `timeZone`.
    package init(expiresAfter: TimeInterval = DeliveryRules.defaultExpiry, quietHours: QuietHours? = nil,
                 timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.expiresAfter = expiresAfter
        self.quietHours = quietHours
        self.timeZone = timeZone
    }
}

/// SPEC §5's delivery-time rules, in order: opted out → withdraw `opted-out`; an `upcoming`
/// reminder whose event has started → withdraw `event-started`; older than its schedule's
/// `expires_after` from its slot → withdraw `expired`; an SMS inside quiet hours → hold;
/// over `max_per_day` → hold. A value built per delivery (`DeliveryRules+Load`).
package struct DeliveryRules: DeliveryGate {
    /// `expires_after` when a schedule does not say: 24 hours.
    package static let defaultExpiry: TimeInterval = 24 * 3600

    /// The suppression list as of delivery (the ledger's list and `opt_out_query`'s addresses);
    /// nil when it could not be read: every item then waits.
    package var optedOut: Set<String>?
    /// The terms of each schedule, by id.
    package var terms: [String: DeliveryTerms]
    /// The terms of items whose schedule is not in `terms` (manual messages, removed schedules).
    package var fallback: DeliveryTerms
    /// What `max_per_day` has left today (shared by the delivery workers); nil: no cap.
    package var dailyCap: DailyCap?
    /// Why `optedOut` is nil, located at `opt_out_query` with the fix: what the run reports so
    /// that items held for it are never held in silence.
    package var problems: [Diagnostic] = []

    /// Rules over `optedOut`; every other rule is off unless given.
    package init(optedOut: Set<String>?, terms: [String: DeliveryTerms] = [:], fallback: DeliveryTerms = DeliveryTerms(),
                 dailyCap: DailyCap? = nil) {
        self.optedOut = optedOut
        self.terms = terms
        self.fallback = fallback
        self.dailyCap = dailyCap
    }

    /// The first rule that stops `item` at `now`, else `.deliver` (taking a place under the cap).
    package func verdict(for item: PlanItem, at now: Date) -> GateVerdict {
        guard let optedOut else { return .hold(.optOutsUnread) }
        if optedOut.contains(OptOutAddress.key(ofRecipient: item.recipient, channel: item.channel)) { return .withdraw(.optedOut) }
        if let start = item.eventAt, start <= now { return .withdraw(.eventStarted) }
        let terms = terms[item.schedule] ?? fallback
        if now.timeIntervalSince(item.slot.date) > terms.expiresAfter { return .withdraw(.expired) }
        if item.channel == .sms, let hours = terms.quietHours, hours.contains(now, in: terms.timeZone) { return .hold(.quietHours) }
        if let dailyCap, dailyCap.applies(to: item.channel), !dailyCap.take() { return .hold(.dailyCap) }
        return .deliver
    }

    /// Gives back the place under the cap that `verdict` took for `item`.
    package func release(_ item: PlanItem) {
        if let dailyCap, dailyCap.applies(to: item.channel) { dailyCap.giveBack() }
    }
}
