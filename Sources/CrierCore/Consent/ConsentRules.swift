import Foundation

/// The recipient's consent and the hour, applied to a schedule's items after the ledger's
/// states: opted-out recipients are skipped (`opted-out`), and SMS due inside quiet hours wait
/// (`quiet-hours`, recorded as skipped so a later run re-plans them).
package struct ConsentRules: Sendable {
    /// The suppression list (E.164 numbers, lower-cased email addresses).
    package var optedOut: Set<String>
    /// The instant of the run; quiet hours are judged at it, in the schedule's zone.
    package var at: Date

    /// Rules for a run at `at` with the suppression list `optedOut`.
    package init(optedOut: Set<String>, at: Date) {
        self.optedOut = optedOut
        self.at = at
    }

    /// The quiet hours that apply to `schedule` (its own, else crier.yaml's), nil when none.
    package static func quietHours(of schedule: Schedule, config: Config) -> QuietHours? {
        guard let hours = schedule.quietHours ?? config.quietHours, !hours.isNone else { return nil }
        return hours
    }

    /// Whether `schedule`'s SMS must wait at `at` (whatever its channel: a `channel` column may choose SMS).
    package func isQuiet(_ schedule: Schedule, config: Config) -> Bool {
        guard let hours = Self.quietHours(of: schedule, config: config) else { return false }
        return hours.contains(at, in: schedule.timeZone)
    }

    /// Turns the send items of `items` into skips where consent or the hour says so.
    package func apply(to items: inout [PlanItem], quiet: Bool) {
        for index in items.indices where items[index].action == .send {
            let item = items[index]
            if optedOut.contains(OptOutAddress.key(ofRecipient: item.recipient, channel: item.channel)) {
                items[index].action = .skip
                items[index].reason = .optedOut
            } else if quiet && item.channel == .sms {
                items[index].action = .skip
                items[index].reason = .quietHours
            }
        }
    }
}
