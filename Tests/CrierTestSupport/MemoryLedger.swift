import CrierCore
import Foundation

/// A ledger held in memory, for tests of what runs over the `Ledger` port (the pipeline, the
/// gate). It passes `LedgerConformance` like the SQLite and PostgreSQL ledgers; each call is
/// atomic because nothing else touches the storage meanwhile.
package final class MemoryLedgerStorage: LedgerStorage {
    /// One run record.
    package struct Run: Sendable, Equatable {
        /// The command that began it.
        package var command: String
        /// The one-line outcome `finishRun` recorded; nil while it runs.
        package var outcome: String?
    }

    /// One item as stored.
    struct Entry {
        var item: PlanItem
        var state: ItemState
        var reason: SkipReason?
        var attempts = 0
        var lastError: String?
        var claimedBy: Int64?
        var providerID: String?
        var handedOver = false
        var created: Date
        var updated: Date
        var sent: Date?
    }

    /// What the ledger holds.
    struct Contents {
        var slots: [ScheduleSlot: SlotStatus] = [:]
        var items: [String: Entry] = [:]
        var definitions: [String: (definition: String, generation: Int64)] = [:]
        var change: [String: [String: (fingerprint: String, rows: String)]] = [:]
        var optOuts: [String: OptOutEntry] = [:]
        var replies: [(sender: String, receivedAt: String, body: String, keyword: InboundKeyword?)] = []
        /// Each item's events, oldest first.
        var events: [String: [Event]] = [:]
    }

    /// One step of an item's life.
    struct Event {
        var at: Date
        var state: String
        var detail: String?
        var runID: Int64?
    }

    /// The ledger's name in messages.
    package let location = "memory ledger"
    /// nil until a run or a write creates the ledger.
    var contents: Contents?
    var lockHeld = false
    /// The run records, in order (a run's id is its place plus one).
    package internal(set) var runs: [Run] = []
    /// The writes in order (`beginRun run`, `record`, `claim KEY`, `settle KEY sent`,
    /// `withdraw KEY`, `finishRun`), to check what a caller did and when.
    package internal(set) var writes: [String] = []
    /// When set, `record` throws it and records nothing (a full disk, a lost connection).
    package var recordFailure: (any Error)?
    /// When set, `settle(_:thenHandOver:)` records the claim and the mark, then throws it (the
    /// sync after the commit failed).
    package var handOverFailure: (any Error)?

    /// An empty storage: no ledger yet.
    package init() {}

    /// A reader over the ledger; nil when no run or write created it yet.
    package func openForReading() throws -> (any LedgerReader)? {
        contents == nil ? nil : MemoryLedger(storage: self, holdsLock: false)
    }

    /// The ledger, holding the run lock while it lives.
    package func openForRun() throws -> any Ledger {
        guard !lockHeld else { throw LedgerError.locked(location: location, holder: nil) }
        lockHeld = true
        if contents == nil { contents = Contents() }
        return MemoryLedger(storage: self, holdsLock: true)
    }

    /// The ledger, for suppression-list writes.
    package func openForWriting() throws -> any Ledger {
        guard !lockHeld else { throw LedgerError.locked(location: location, holder: nil) }
        if contents == nil { contents = Contents() }
        return MemoryLedger(storage: self, holdsLock: false)
    }
}

/// The `Ledger` over a `MemoryLedgerStorage`.
final class MemoryLedger: Ledger {
    private let storage: MemoryLedgerStorage
    private let holdsLock: Bool

    init(storage: MemoryLedgerStorage, holdsLock: Bool) {
        self.storage = storage
        self.holdsLock = holdsLock
    }

    deinit {
        if holdsLock { storage.lockHeld = false }
    }

    private var contents: MemoryLedgerStorage.Contents {
        get { storage.contents ?? MemoryLedgerStorage.Contents() }
        set { storage.contents = newValue }
    }

    private func log(_ id: String, _ state: String, detail: String? = nil, runID: Int64?, at: Date) {
        contents.events[id, default: []].append(MemoryLedgerStorage.Event(at: at, state: state, detail: detail, runID: runID))
    }

    // MARK: LedgerView

    func slotStatus(schedule: String, slot: String) throws -> SlotStatus? {
        contents.slots[ScheduleSlot(schedule: schedule, slot: slot)]
    }

    func itemStates(ids: [String]) throws -> [String: ItemState] {
        var states: [String: ItemState] = [:]
        for id in ids { states[id] = contents.items[id]?.state }
        return states
    }

    func changeDefinition(schedule: String) throws -> String? { contents.definitions[schedule]?.definition }

    func changeGeneration(schedule: String) throws -> Int64 { contents.definitions[schedule]?.generation ?? 0 }

    func changeFingerprints(schedule: String) throws -> [String: String] {
        (contents.change[schedule] ?? [:]).mapValues(\.fingerprint)
    }

    func changeRows(schedule: String, keys: [String]) throws -> [String: String] {
        (contents.change[schedule] ?? [:]).filter { keys.contains($0.key) }.mapValues(\.rows)
    }

    func optOutKeys() throws -> Set<String> { Set(contents.optOuts.keys) }

    func quietHoursItems(schedule: String, since: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for (id, entry) in contents.items where entry.item.schedule == schedule && entry.state == .skipped
            && entry.reason == .quietHours && entry.item.slot.text >= since {
            found[id] = entry.item.slot.text
        }
        return found
    }

    func dailyCapUsage(channels: Set<Channel>, since: Date) throws -> Int {
        try sentCount(channels: channels, since: since)
            + contents.items.values.filter { channels.contains($0.item.channel) && [.pending, .sending].contains($0.state) }.count
    }

    // MARK: LedgerHistory

    /// Entries in history's order: newest change first, then by schedule, key and recipient.
    private func entries(_ include: (MemoryLedgerStorage.Entry) -> Bool) -> [MemoryLedgerStorage.Entry] {
        contents.items.values.filter(include).sorted { a, b in
            if a.updated != b.updated { return a.updated > b.updated }
            return (a.item.schedule, a.item.key, a.item.recipient) < (b.item.schedule, b.item.key, b.item.recipient)
        }
    }

    private func historyEntry(_ entry: MemoryLedgerStorage.Entry) -> HistoryEntry {
        HistoryEntry(id: entry.item.id, schedule: entry.item.schedule, key: entry.item.key, occurrence: entry.item.occurrence.text,
                     channel: entry.item.channel.rawValue, recipient: entry.item.recipient, state: entry.state.rawValue,
                     reason: entry.reason?.description, error: entry.lastError, updatedAt: Timestamp.utc(entry.updated),
                     sentAt: entry.sent.map(Timestamp.utc))
    }

    private func matches(_ entry: MemoryLedgerStorage.Entry, _ filter: HistoryFilter) -> Bool {
        (filter.key ?? entry.item.key) == entry.item.key && (filter.recipient ?? entry.item.recipient) == entry.item.recipient
            && (filter.schedule ?? entry.item.schedule) == entry.item.schedule
    }

    func history(_ filter: HistoryFilter, limit: Int) throws -> [HistoryEntry] {
        entries { matches($0, filter) }.prefix(limit).map(historyEntry)
    }

    func sentCounts(by column: SentCountColumn, _ filter: HistoryFilter) throws -> [SentCount] {
        var counts: [String: SentCount] = [:]
        for entry in contents.items.values where entry.state == .sent && matches(entry, filter) {
            let subject = column == .key ? entry.item.key : entry.item.recipient
            var count = counts[subject] ?? SentCount(subject: subject, sms: 0, email: 0, lastSentAt: nil)
            if entry.item.channel == .sms { count.sms += 1 } else { count.email += 1 }
            let sent = entry.sent.map(Timestamp.utc)
            if let sent, sent > (count.lastSentAt ?? "") { count.lastSentAt = sent }
            counts[subject] = count
        }
        return counts.values.sorted { $0.total != $1.total ? $0.total > $1.total : $0.subject < $1.subject }
    }

    func waitingPending(since before: Date) throws -> [HistoryEntry] {
        let settled: Set<String> = ["skipped", "failed", "uncertain", "sent"]
        let waits = contents.items.values.filter { $0.state == .pending }.map { entry in
            // The wait began at the first event after the last settled one.
            let events = contents.events[entry.item.id] ?? []
            let start = events.lastIndex { settled.contains($0.state) }.map { $0 + 1 } ?? 0
            return (entry, since: start < events.count ? events[start].at : entry.created)
        }
        return waits.filter { $0.since < before }.sorted { a, b in
            if a.since != b.since { return a.since < b.since }
            return (a.0.item.schedule, a.0.item.key, a.0.item.recipient) < (b.0.item.schedule, b.0.item.key, b.0.item.recipient)
        }.map { wait in
            var entry = historyEntry(wait.0)
            entry.waitingSince = Timestamp.utc(wait.since)
            return entry
        }
    }

    func events(itemID: String) throws -> [ItemEvent] {
        (contents.events[itemID] ?? []).map { event in
            ItemEvent(at: Timestamp.utc(event.at), state: event.state, detail: event.detail,
                      command: event.runID.map { storage.runs[Int($0) - 1].command })
        }
    }

    func failures(since: Date) throws -> [HistoryEntry] {
        entries { [.failed, .uncertain].contains($0.state) && $0.updated >= since }.map(historyEntry)
    }

    func stateCounts() throws -> [ItemState: Int] {
        contents.items.values.reduce(into: [:]) { counts, entry in counts[entry.state, default: 0] += 1 }
    }

    func sentCount(channels: Set<Channel>, since: Date) throws -> Int {
        contents.items.values.filter { channels.contains($0.item.channel) && $0.state == .sent && ($0.sent ?? .distantPast) >= since }.count
    }

    func optOuts() throws -> [OptOutEntry] { contents.optOuts.values.sorted { $0.address < $1.address } }

    /// Items in `state` in plan order: oldest first, then by schedule, key and recipient.
    private func items(in state: ItemState) -> [LedgerItem] {
        contents.items.values.filter { $0.state == state }.sorted { a, b in
            if a.created != b.created { return a.created < b.created }
            return (a.item.schedule, a.item.key, a.item.recipient, a.item.id) < (b.item.schedule, b.item.key, b.item.recipient, b.item.id)
        }.map { entry in
            var item = LedgerItem(item: entry.item, state: entry.state, attempts: entry.attempts, lastError: entry.lastError,
                                  claimedBy: entry.claimedBy)
            item.handedOver = entry.handedOver
            return item
        }
    }

    func pending() throws -> [LedgerItem] { items(in: .pending) }

    func pendingIDs() throws -> [String] { items(in: .pending).map(\.item.id) }

    func pending(ids: [String]) throws -> [LedgerItem] {
        items(in: .pending).ordered(by: ids)
    }

    func contents(ids: [String]) throws -> [String: PlanItem] {
        var found: [String: PlanItem] = [:]
        for id in ids { found[id] = contents.items[id]?.item }
        return found
    }

    // MARK: Ledger

    func beginRun(command: String, at: Date, clock: Date) throws -> Int64 {
        storage.runs.append(MemoryLedgerStorage.Run(command: command, outcome: nil))
        storage.writes.append("beginRun \(command)")
        return Int64(storage.runs.count)
    }

    func record(_ plan: Plan, runID: Int64, at: Date) throws -> RecordResult {
        if let failure = storage.recordFailure { throw failure }
        var contents = contents
        var result = RecordResult()
        for (claim, status) in plan.slotRecords {
            let stale = plan.definitions[claim.schedule] != nil
                && (contents.definitions[claim.schedule]?.generation ?? 0) != plan.changeGenerations[claim.schedule, default: 0]
            if stale || contents.slots[claim] != nil {
                result.lost.append(claim)
            } else {
                contents.slots[claim] = status
                result.claimed.append(claim)
            }
        }
        let lost = Set(result.lost)
        let lostSchedules = Set(result.lost.map(\.schedule))
        for (schedule, definition) in plan.definitions where !lostSchedules.contains(schedule) {
            contents.definitions[schedule] = (definition, (contents.definitions[schedule]?.generation ?? 0) + 1)
        }
        for update in plan.stateUpdates where !lostSchedules.contains(update.schedule) {
            contents.change[update.schedule, default: [:]][update.key] = update.fingerprint.map { ($0, update.rows ?? "[]") }
        }
        for item in plan.items where !lost.contains(ScheduleSlot(schedule: item.schedule, slot: item.slot.text)) {
            if item.action == .skip, item.reason?.reportsLedger == true { continue }
            // Sent and held items wait to be delivered; only a skip keeps its reason.
            let state: ItemState = item.action == .skip ? .skipped : .pending
            let reason = item.action == .skip ? item.reason : nil
            if let existing = contents.items[item.id] {
                guard existing.state == .skipped else { continue }
                contents.items[item.id] = MemoryLedgerStorage.Entry(item: item, state: state, reason: reason,
                                                                    created: existing.created, updated: at)
            } else {
                contents.items[item.id] = MemoryLedgerStorage.Entry(item: item, state: state, reason: reason,
                                                                created: at, updated: at)
            }
            contents.events[item.id, default: []].append(MemoryLedgerStorage.Event(
                at: at, state: state.rawValue, detail: item.reason?.description, runID: runID))
            if state == .pending { result.pending += 1 } else { result.skipped += 1 }
        }
        self.contents = contents
        storage.writes.append("record")
        return result
    }

    func orphanedSending() throws -> [LedgerItem] { items(in: .sending) }

    func markHandedOver(id: String, runID: Int64, at: Date) throws {
        contents.items[id]?.handedOver = true
        log(id, "handed-over", runID: runID, at: at)
    }

    func settle(_ settlement: Settlement?, thenHandOver id: String, runID: Int64, at: Date) throws -> Bool {
        guard try settle(settlement, thenClaim: id, runID: runID, at: at) else { return false }
        try markHandedOver(id: id, runID: runID, at: at)
        if let failure = storage.handOverFailure { throw failure }
        return true
    }

    func claim(id: String, runID: Int64, at: Date) throws -> Bool {
        guard var entry = contents.items[id], entry.state == .pending else { return false }
        entry.state = .sending
        entry.claimedBy = runID
        entry.attempts += 1
        entry.handedOver = false
        entry.updated = at
        contents.items[id] = entry
        log(id, ItemState.sending.rawValue, runID: runID, at: at)
        storage.writes.append("claim \(entry.item.key)")
        return true
    }

    @discardableResult
    func settle(_ settlement: Settlement, at: Date) throws -> Bool {
        guard var entry = contents.items[settlement.id], entry.state == .sending, entry.claimedBy == settlement.runID else { return false }
        entry.state = settlement.state
        entry.lastError = settlement.error.map(Redaction.redact)
        entry.providerID = settlement.providerID ?? entry.providerID
        entry.updated = at
        if settlement.state == .sent { entry.sent = at }
        contents.items[settlement.id] = entry
        log(settlement.id, settlement.state.rawValue, detail: entry.lastError, runID: settlement.runID, at: at)
        storage.writes.append("settle \(entry.item.key) \(settlement.state.rawValue)")
        return true
    }

    func settle(_ settlement: Settlement?, thenClaim id: String, runID: Int64, at: Date) throws -> Bool {
        if let settlement { try settle(settlement, at: at) }
        return try claim(id: id, runID: runID, at: at)
    }

    @discardableResult
    func leavePending(ids: [String], error: String, runID: Int64, at: Date) throws -> Int {
        var noted = 0
        for id in ids {
            guard var entry = contents.items[id], entry.state == .pending else { continue }
            entry.lastError = Redaction.redact(error)
            entry.updated = at
            contents.items[id] = entry
            log(id, ItemState.pending.rawValue, detail: entry.lastError, runID: runID, at: at)
            storage.writes.append("leave \(entry.item.key)")
            noted += 1
        }
        return noted
    }

    @discardableResult
    func withdraw(id: String, reason: SkipReason, runID: Int64, at: Date) throws -> Bool {
        guard var entry = contents.items[id], entry.state == .pending else { return false }
        entry.state = .skipped
        entry.reason = reason
        entry.updated = at
        contents.items[id] = entry
        log(id, ItemState.skipped.rawValue, detail: reason.description, runID: runID, at: at)
        storage.writes.append("withdraw \(entry.item.key)")
        return true
    }

    func requeue(ids: [String], from states: Set<ItemState>, actor: String, at: Date) throws -> [String] {
        var moved: [String] = []
        for id in ids {
            guard var entry = contents.items[id], states.contains(entry.state) else { continue }
            log(id, "retried", detail: Retry.eventDetail(actor: actor, state: entry.state, error: entry.lastError), runID: nil, at: at)
            entry.state = .pending
            entry.updated = at
            contents.items[id] = entry
            moved.append(id)
        }
        return moved
    }

    func finishRun(_ runID: Int64, outcome: String, at: Date) throws {
        storage.runs[Int(runID) - 1].outcome = outcome
        storage.writes.append("finishRun")
    }

    @discardableResult
    func addOptOut(_ address: String, reason: String?, source: OptOutSource, at: Date) throws -> Bool {
        guard contents.optOuts[address] == nil else { return false }
        contents.optOuts[address] = OptOutEntry(address: address, reason: reason, source: source.rawValue, createdAt: Timestamp.utc(at))
        return true
    }

    @discardableResult
    func removeOptOut(_ address: String) throws -> Bool {
        contents.optOuts.removeValue(forKey: address) != nil
    }

    func importInbound(_ replies: [InboundReply], at: Date) throws -> InboundImport {
        var tally = InboundTally()
        for reply in replies {
            let known = contents.replies.contains { $0.sender == reply.from && $0.receivedAt == reply.receivedAt && $0.body == reply.body }
            if !known { contents.replies.append((reply.from, reply.receivedAt, reply.body, reply.keyword)) }
            tally.recorded(reply, inserted: !known)
        }
        for sender in tally.senders {
            // The latest keyword reply; a STOP wins a tie.
            let latest = contents.replies.filter { $0.sender == sender && $0.keyword != nil }.max { a, b in
                a.receivedAt != b.receivedAt ? a.receivedAt < b.receivedAt : (a.keyword != .stop && b.keyword == .stop)
            }
            guard let keyword = tally.keyword(for: sender, latest: latest.map { ($0.receivedAt, $0.body, $0.keyword?.rawValue ?? "") })
            else { continue }
            let changed: Bool
            switch keyword {
            case .stop: changed = try addOptOut(sender, reason: "replied STOP", source: .inbound, at: at)
            case .start: changed = try removeOptOut(sender)
            }
            tally.applied(keyword, to: sender, changed: changed)
        }
        return tally.result
    }
}
