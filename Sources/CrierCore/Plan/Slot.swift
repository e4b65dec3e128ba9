import Foundation

/// The cron slot an item belongs to: an instant, written as UTC ISO 8601 text
/// (`2026-11-23T04:00:00Z`) only in the plan's JSON and the ledger.
package struct Slot: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The instant.
    package let date: Date

    /// The slot at `date`, in whole seconds (as its text has it).
    package init(_ date: Date) {
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// The slot written as `text` (ISO 8601 with an offset or `Z`), or nil when it is not one.
    package init?(text: String) {
        guard let date = Timestamp.parseISO(text) else { return nil }
        self.init(date)
    }

    /// UTC ISO 8601 text, as the plan and the ledger write it.
    package var text: String { Timestamp.utc(date) }

    package var description: String { text }

    package static func < (a: Slot, b: Slot) -> Bool { a.date < b.date }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let slot = Slot(text: text) else {
            throw DecodingError.dataCorruptedError(in: container,
                debugDescription: "slot \"\(text)\" is not an ISO 8601 time such as 2026-11-23T04:00:00Z")
        }
        self = slot
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
