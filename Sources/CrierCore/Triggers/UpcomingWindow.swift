import Foundation

/// The time window an `upcoming` trigger looks at for one slot.
package struct TriggerWindow: Sendable, Equatable {
    /// First instant in the window.
    package var start: Date
    /// First instant after the window.
    package var end: Date
    /// Whether an event exactly at `start` is in (false for `today`: only future starts).
    package var includesStart: Bool
    /// The occurrence the window stands for: its local date.
    package var occurrence: Occurrence

    /// Whether `instant` falls in the window.
    package func contains(_ instant: Date) -> Bool {
        (includesStart ? instant >= start : instant > start) && instant < end
    }
}

extension UpcomingTrigger {
    /// The window for `slot` in `zone`: the whole local day `interval` days after the slot's
    /// date, or for `today` from the slot to the end of its day.
    package func window(slot: Date, in zone: TimeZone) -> TriggerWindow {
        let slotDate = LocalDate.of(slot, in: zone)
        switch interval {
        case .today:
            return TriggerWindow(start: slot, end: WallClock.startOfDay(slotDate.adding(days: 1), in: zone),
                                 includesStart: false, occurrence: Occurrence(slotDate.description))
        case .days(let days):
            let day = slotDate.adding(days: days)
            return TriggerWindow(start: WallClock.startOfDay(day, in: zone),
                                 end: WallClock.startOfDay(day.adding(days: 1), in: zone),
                                 includesStart: true, occurrence: Occurrence(day.description))
        }
    }
}
