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

/// What planning needs to know from the ledger. Every implementation answers every question
/// or throws: none may guess (an unread suppression list or daily cap would fail open).
package protocol LedgerView {
    /// How `slot` (UTC ISO text) of `schedule` was recorded, if at all.
    func slotStatus(schedule: String, slot: String) throws -> SlotStatus?
    /// The states of those of `ids` the ledger has.
    func itemStates(ids: [String]) throws -> [String: ItemState]
    /// The change trigger's recorded definition of `schedule` (nil: never evaluated).
    func changeDefinition(schedule: String) throws -> String?
    /// How many times `schedule`'s change state was advanced (0: never). A plan carries the
    /// generation it was made against; `record` advances it only from that generation.
    func changeGeneration(schedule: String) throws -> Int64
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
    /// The fingerprints of `changeFingerprints`, one at a time (for views that keep few keys;
    /// a ledger of many keys streams them from its storage instead).
    package func forEachChangeFingerprint(schedule: String, _ body: (UnsafeRawBufferPointer, ChangeFingerprint?) throws -> Void) throws {
        for (key, fingerprint) in try changeFingerprints(schedule: schedule) {
            var key = key
            try key.withUTF8 { try body(UnsafeRawBufferPointer($0), ChangeFingerprint(hex: fingerprint)) }
        }
    }
}

/// The view of a ledger that does not exist yet: nothing ran, nothing was sent, nobody opted
/// out in it (what `plan` reads before the first run).
package struct EmptyLedgerView: LedgerView {
    /// An empty view.
    package init() {}
    /// Always nil.
    package func slotStatus(schedule: String, slot: String) throws -> SlotStatus? { nil }
    /// Always empty.
    package func itemStates(ids: [String]) throws -> [String: ItemState] { [:] }
    /// Always nil.
    package func changeDefinition(schedule: String) throws -> String? { nil }
    /// Always 0.
    package func changeGeneration(schedule: String) throws -> Int64 { 0 }
    /// Always empty.
    package func changeFingerprints(schedule: String) throws -> [String: String] { [:] }
    /// Always empty.
    package func changeRows(schedule: String, keys: [String]) throws -> [String: String] { [:] }
    /// Always empty: the list lives in the ledger.
    package func optOutKeys() throws -> Set<String> { [] }
    /// Always empty.
    package func quietHoursItems(schedule: String, since: String) throws -> [String: String] { [:] }
    /// Always 0: nothing was sent.
    package func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int { 0 }
}
