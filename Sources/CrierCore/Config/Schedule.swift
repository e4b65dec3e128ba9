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

    /// The trigger's name as written in YAML.
    package var name: String {
        switch self {
        case .upcoming: return "upcoming"
        }
    }

    /// The column that holds the trigger's time, shown to templates as `{{at.*}}`.
    package var timeColumn: String {
        switch self {
        case .upcoming(let upcoming): return upcoming.atColumn
        }
    }
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
