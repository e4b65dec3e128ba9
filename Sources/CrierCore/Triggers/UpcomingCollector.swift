import Foundation

/// The `upcoming` trigger over streamed rows: re-checks each row's time against the window,
/// keeps the first row per (key, recipient), and makes one item per occurrence (the window's date).
package struct UpcomingCollector {
    private let maker: ItemMaker
    private let window: TriggerWindow
    private let timeColumn: String
    /// (key, recipient) pairs already given an item; two strings, not one joined, so that
    /// short keys and numbers stay inline (no allocation per row, half the memory).
    private var seen: Set<KeyRecipient> = []
    private var tally = RowTally()
    /// Rows read.
    package var rowCount: Int { tally.rows }
    /// Rows whose key was NULL (left out).
    package var nullKeys: Int { tally.nullKeys }
    /// Items made so far, in row order.
    package private(set) var items: [PlanItem] = []

    /// A collector for one slot's window.
    package init(maker: ItemMaker, window: TriggerWindow, timeColumn: String) {
        self.maker = maker
        self.window = window
        self.timeColumn = timeColumn
    }

    /// Considers one row.
    package mutating func add(_ row: Row) {
        guard let key = tally.key(of: row) else { return }
        let instant = row[timeColumn].flatMap(Timestamp.parse)
        if let instant, !window.contains(instant) { return }
        guard seen.insert(KeyRecipient(key: key, recipient: maker.recipient(of: row))).inserted else { return }
        guard let instant else {
            items.append(maker.skipped(key: key, row: row, occurrence: window.occurrence, .invalidTime(timeColumn)))
            return
        }
        var item = maker.item(key: key, row: row, occurrence: window.occurrence,
                              engine: ["at": TimeView(instant, in: maker.schedule.timeZone)])
        item.eventAt = instant
        items.append(item)
    }
}

/// A row's subject and recipient, as the upcoming trigger tells rows apart.
private struct KeyRecipient: Hashable {
    var key: String
    var recipient: String
}
