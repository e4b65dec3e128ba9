import Foundation

/// The `overdue` trigger over streamed rows: for each (key, recipient) the latest occurrence
/// due at the slot is a candidate; earlier ones are listed as `superseded` (never sent late).
/// Occurrences are named by the anchor and their number (`2026-11-20T01:00:00Z#2`), so editing
/// `after` or `repeat` later never resends one already sent, and a new anchor starts afresh.
package struct OverdueCollector {
    private let maker: ItemMaker
    private let trigger: OverdueTrigger
    private let slot: Date
    private var seen: Set<String> = []
    private var tally = RowTally()
    /// Rows read.
    package var rowCount: Int { tally.rows }
    /// Rows whose key was NULL (left out).
    package var nullKeys: Int { tally.nullKeys }
    /// Items made so far: per key, superseded ones first, then the latest.
    package private(set) var items: [PlanItem] = []

    /// A collector for `trigger` at `slot`.
    package init(maker: ItemMaker, trigger: OverdueTrigger, slot: Date) {
        self.maker = maker
        self.trigger = trigger
        self.slot = slot
    }

    /// The occurrence name of number `n` for an anchor at `since`.
    package static func occurrence(since: Date, number: Int) -> Occurrence {
        Occurrence("\(Timestamp.utc(since))#\(number)")
    }

    /// Considers one row.
    package mutating func add(_ row: Row) {
        guard let key = tally.key(of: row) else { return }
        let recipient = maker.recipient(of: row)
        guard let since = row[trigger.sinceColumn].flatMap(Timestamp.parse) else {
            guard seen.insert(key + "\u{1F}" + recipient).inserted else { return }
            items.append(maker.skipped(key: key, row: row, occurrence: "invalid", .invalidTime(trigger.sinceColumn)))
            return
        }
        let latest = trigger.latestDue(since: since, slot: slot)
        guard latest >= 1, seen.insert(key + "\u{1F}" + recipient).inserted else { return }
        for number in 1..<latest {
            items.append(maker.skipped(key: key, row: row, occurrence: Self.occurrence(since: since, number: number), .superseded))
        }
        let engine: [String: Any] = [
            "since": TimeView(since, in: maker.schedule.timeZone),
            "occurrence_number": latest,
            "occurrence_ordinal": Self.ordinal(latest),
            "repeat": trigger.repeatCount,
        ]
        items.append(maker.item(key: key, row: row, occurrence: Self.occurrence(since: since, number: latest), engine: engine))
    }

    /// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`.
    package static func ordinal(_ n: Int) -> String {
        let tens = n % 100
        if (11...13).contains(tens) { return "\(n)th" }
        switch n % 10 {
        case 1: return "\(n)st"
        case 2: return "\(n)nd"
        case 3: return "\(n)rd"
        default: return "\(n)th"
        }
    }
}
