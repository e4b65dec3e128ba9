import Foundation

/// What the schedules would do at every slot of the coming days (`crier forecast`): per day
/// and schedule, the slots, the sends and the skips by reason. Same inputs, same bytes.
package struct Forecast: Sendable, Equatable {
    /// The forecast format's version.
    package static let formatVersion = 1

    /// Whether and why a schedule is (not) forecast.
    package struct ScheduleNote: Sendable, Equatable {
        /// The schedule's id.
        package var schedule: String
        /// Forecast slot by slot, or not.
        package var forecast: Bool
        /// Why not (a change trigger, disabled, invalid).
        package var reason: String?
    }

    /// One schedule on one day.
    package struct Entry: Sendable, Equatable {
        /// The schedule's id.
        package var schedule: String
        /// Its slots that day.
        package var slots: Int = 0
        /// Slots that could not be evaluated (see the diagnostics).
        package var failedSlots: Int = 0
        /// Messages it would send.
        package var sends: Int = 0
        /// Messages it would skip, by reason.
        package var skips: [String: Int] = [:]
    }

    /// One day (in the config's zone).
    package struct Day: Sendable, Equatable {
        /// The date.
        package var date: LocalDate
        /// The schedules with slots that day, by id.
        package var entries: [Entry]
    }

    /// The instant the forecast starts after (`--at`).
    package var at: Date
    /// The end: midnight after the last day.
    package var until: Date
    /// The zone of the days.
    package var timeZone: TimeZone
    /// SHA-256 of the config repository's files.
    package var configSHA256: String
    /// SHA-256 of the snapshot file.
    package var snapshotSHA256: String
    /// Every selected schedule, by id.
    package var schedules: [ScheduleNote]
    /// Every day of the period, in order, each with the schedules that have slots.
    package var days: [Day]

    /// The forecast as ordered JSON.
    package var json: JSONValue {
        .object([
            ("crier_forecast", .int(Self.formatVersion)),
            ("at", .string(Timestamp.utc(at))),
            ("until", .string(Timestamp.utc(until))),
            ("timezone", .string(timeZone.identifier)),
            ("config_sha256", .string(configSHA256)),
            ("snapshot_sha256", .string(snapshotSHA256)),
            ("schedules", .array(schedules.map { note in
                var pairs: [(String, JSONValue)] = [("schedule", .string(note.schedule)), ("forecast", .bool(note.forecast))]
                if let reason = note.reason { pairs.append(("reason", .string(reason))) }
                return .object(pairs)
            })),
            ("days", .array(days.map { day in
                .object([
                    ("date", .string(day.date.description)),
                    ("schedules", .array(day.entries.map { entry in
                        var pairs: [(String, JSONValue)] = [
                            ("schedule", .string(entry.schedule)), ("slots", .int(entry.slots)), ("send", .int(entry.sends)),
                            ("skip", .object(entry.skips.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                        ]
                        if entry.failedSlots > 0 { pairs.append(("failed_slots", .int(entry.failedSlots))) }
                        return .object(pairs)
                    })),
                ])
            })),
        ])
    }

    /// Sends over every day and schedule.
    package var totalSends: Int { days.reduce(0) { $0 + $1.entries.reduce(0) { $0 + $1.sends } } }
}
