import Foundation

/// The named parameters the engine binds into a schedule's query.
package enum QueryParameters {
    /// Every name the engine can bind, without the colon.
    package static let names = ["now", "slot", "window_start", "window_end",
                                "now_epoch", "slot_epoch", "window_start_epoch", "window_end_epoch"]

    /// Values for those of `used` the engine knows (UTC ISO text, and `_epoch` integer seconds).
    package static func bind(_ used: [String], now: Date, slot: Date, window: TriggerWindow) -> [String: SQLValue] {
        let instants: [String: Date] = ["now": now, "slot": slot, "window_start": window.start, "window_end": window.end]
        var values: [String: SQLValue] = [:]
        for name in used {
            if let instant = instants[name] {
                values[name] = .text(Timestamp.utc(instant))
            } else if name.hasSuffix("_epoch"), let instant = instants[String(name.dropLast("_epoch".count))] {
                values[name] = .integer(Int64(floor(instant.timeIntervalSince1970)))
            }
        }
        return values
    }
}
