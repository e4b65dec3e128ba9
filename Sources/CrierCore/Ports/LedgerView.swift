import Foundation

/// Where an item stands in the ledger.
package enum ItemState: String, Sendable, Codable, CaseIterable {
    /// Recorded, not yet attempted (or left for retry).
    case pending
    /// Being delivered; found so after a crash, the delivery is uncertain.
    case sending
    /// Delivered.
    case sent
    /// Failed for good.
    case failed
    /// A run died mid-delivery and the transport cannot tell whether it went out.
    case uncertain
    /// Planned as a skip (the reason is stored).
    case skipped
}

/// How a slot was recorded.
package enum SlotStatus: String, Sendable, Codable {
    /// It ran.
    case ran
    /// It was older than catch_up when first seen.
    case missed
}

/// What planning needs to know from the ledger: which slots ran and which items exist.
package protocol LedgerView {
    /// How `slot` (UTC ISO text) of `schedule` was recorded, if at all.
    func slotStatus(schedule: String, slot: String) throws -> SlotStatus?
    /// The states of those of `ids` the ledger has.
    func itemStates(ids: [String]) throws -> [String: ItemState]
    /// The change trigger's recorded definition of `schedule` (nil: never evaluated).
    func changeDefinition(schedule: String) throws -> String?
    /// The change trigger's fingerprint per key of `schedule`.
    func changeFingerprints(schedule: String) throws -> [String: String]
    /// Calls `body` with each key of `schedule`'s change state (its UTF-8 bytes, valid during
    /// the call) and the key's fingerprint (nil when the stored text is none), in no set order,
    /// streaming: never all keys at once.
    func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws
    /// The last seen rows (JSON) of those `keys` of `schedule` the ledger has.
    func changeRows(schedule: String, keys: [String]) throws -> [String: String]
    /// The suppression list: E.164 numbers and lower-cased email addresses.
    func optOutKeys() throws -> Set<String>
    /// Items of `schedule` skipped for quiet hours in slots at or after `since` (UTC ISO text):
    /// item id → slot.
    func quietHoursItems(schedule: String, since: String) throws -> [String: String]
    /// What `max_per_day` has used of the day starting at `since`: items of `channels` sent
    /// since then, plus those waiting to be sent (they go out before any new item).
    func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int
}

extension LedgerView {
    /// The fingerprints from `changeFingerprints` (for views that keep few keys).
    package func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws {
        for (key, fingerprint) in try changeFingerprints(schedule: schedule) {
            var key = key
            try key.withUTF8 { try body(UnsafeRawBufferPointer($0), ChangeFingerprint(hex: fingerprint)) }
        }
    }
    /// No suppression list (for views that do not keep one).
    package func optOutKeys() throws -> Set<String> { [] }
    /// No deferred items (for views that do not keep them).
    package func quietHoursItems(schedule: String, since: String) throws -> [String: String] { [:] }
    /// Nothing sent, nothing waiting (for views that do not keep items).
    package func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int { 0 }
}

/// The view of a ledger that does not exist yet: nothing ran, nothing was sent.
package struct EmptyLedgerView: LedgerView {
    /// An empty view.
    package init() {}
    /// Always nil.
    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? { nil }
    /// Always empty.
    package func itemStates(ids: [String]) throws -> [String: ItemState] { [:] }
    /// Always nil.
    package func changeDefinition(schedule: String) throws -> String? { nil }
    /// Always empty.
    package func changeFingerprints(schedule: String) throws -> [String: String] { [:] }
    /// Always empty.
    package func changeRows(schedule: String, keys: [String]) throws -> [String: String] { [:] }
}
