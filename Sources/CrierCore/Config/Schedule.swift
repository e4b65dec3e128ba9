import Foundation

/// One validated schedule: when it runs, what it asks the snapshot, and what it sends.
package struct Schedule: Sendable {
    /// The id: the file name's stem (`schedules/appointment-sms.yaml` → `appointment-sms`).
    package var id: String
    /// The schedule file, as shown to people.
    package var file: String
    /// What it is for, in the admin's words.
    package var description: String
    /// When it runs.
    package var cron: CronExpression
    /// The zone its cron and its windows are read in.
    package var timeZone: TimeZone
    /// Disabled schedules are listed but never run.
    package var enabled: Bool
    /// SMS or email.
    package var channel: Channel
    /// The template's name (`templates/NAME.sms.mustache` or `NAME.email.mustache`).
    package var template: String
    /// When a row yields a message.
    package var trigger: Trigger
    /// The SQL whose rows are the candidate messages.
    package var query: String
    /// Where the query's text starts in the schedule file, to place SQL errors.
    package var queryLocation: FileLocation
    /// When this schedule's SMS wait (`quiet_hours:`); nil: crier.yaml's.
    package var quietHours: QuietHours? = nil
    /// Columns that templates see as time views in the schedule's zone (`times:`), like `{{at.*}}`.
    package var times: [String] = []
    /// How long after its slot an item may still be delivered (`expires_after`, default 24h).
    package var expiresAfterSeconds = Int(DeliveryRules.defaultExpiry)
}

/// The channel a schedule sends through.
package enum Channel: String, Sendable, CaseIterable, Codable {
    case sms
    case email
}

/// When a row of the query yields a message.
package enum Trigger: Sendable, Equatable {
    /// A reminder ahead of an event (TimeTrak's appointment reminders).
    case upcoming(UpcomingTrigger)
    /// Nags about something left open (Smart's incomplete-job reminders).
    case overdue(OverdueTrigger)
    /// Events: a key enters, leaves or changes in the query's result.
    case change(ChangeTrigger)

    /// The trigger's name as written in YAML.
    package var name: String {
        switch self {
        case .upcoming: return "upcoming"
        case .overdue: return "overdue"
        case .change: return "change"
        }
    }

    /// The time view the trigger offers templates: `at` (upcoming), `since` (overdue), none (change).
    package var timeNamespace: String? {
        switch self {
        case .upcoming: return "at"
        case .overdue: return "since"
        case .change: return nil
        }
    }

    /// The column that holds the trigger's time (`{{at.*}}` / `{{since.*}}`), if it has one.
    package var timeColumn: String? {
        switch self {
        case .upcoming(let upcoming): return upcoming.atColumn
        case .overdue(let overdue): return overdue.sinceColumn
        case .change: return nil
        }
    }
}

/// `overdue: { since, after, repeat }`: occurrence n (1...repeat) of a key is due at
/// `since + n * after`; a run sends only the latest due one.
package struct OverdueTrigger: Sendable, Equatable {
    /// The anchor column (e.g. the later of dispatched and on-site time).
    package var sinceColumn: String
    /// Seconds between occurrences.
    package var afterSeconds: Int
    /// How many occurrences in all.
    package var repeatCount: Int

    /// The latest occurrence number due at `slot` for an anchor at `since` (0 when none is).
    package func latestDue(since: Date, slot: Date) -> Int {
        let elapsed = slot.timeIntervalSince(since)
        guard elapsed >= TimeInterval(afterSeconds) else { return 0 }
        return min(repeatCount, Int(elapsed / TimeInterval(afterSeconds)))
    }
}

/// `change: { on, watch, baseline }`: notify when a key enters, leaves or changes.
package struct ChangeTrigger: Sendable, Equatable {
    /// The events.
    package enum Event: String, Sendable, CaseIterable, Codable {
        case enter
        case leave
        case change
    }

    /// Which events notify.
    package var on: [Event]
    /// Columns whose change counts (nil: any column).
    package var watch: [String]?
    /// Whether the first evaluation sends (`baseline: send`) or only records (`silent`).
    package var baselineSends: Bool
}

/// `upcoming: { interval, at }`: remind about events starting on one local day.
package struct UpcomingTrigger: Sendable, Equatable {
    /// How far ahead the window is.
    package enum Interval: Sendable, Equatable, CustomStringConvertible {
        /// From the slot to the end of the slot's day (only future starts).
        case today
        /// The whole local day this many days after the slot's date (1 to 28).
        case days(Int)

        /// `today`, `1 day`, `3 days`.
        package var description: String {
            switch self {
            case .today: return "today"
            case .days(let n): return n == 1 ? "1 day" : "\(n) days"
            }
        }

        /// Parses `today`, `N day(s)`, `N week(s)` (1 to 28 days in all).
        package static func parse(_ text: String) -> Interval? {
            let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words == ["today"] { return .today }
            if words == ["tomorrow"] { return .days(1) }
            guard words.count == 2, let count = Int(words[0]), count >= 1 else { return nil }
            let days: Int
            switch words[1] {
            case "day", "days": days = count
            case "week", "weeks": days = count * 7
            default: return nil
            }
            return (1...28).contains(days) ? .days(days) : nil
        }
    }

    /// How far ahead.
    package var interval: Interval
    /// The column holding the event's start.
    package var atColumn: String
}
