import Crypto
import Foundation

/// The `change` trigger: compares the query's result, grouped by key, with the last seen rows
/// the ledger keeps per schedule, and makes `enter`, `leave` and `change` events. The first
/// evaluation (or one after the query or `watch` list was edited) records a baseline and sends
/// nothing, unless `baseline: send` asks a first one to.
///
/// The state's fingerprints stream into a byte-string table; the query's rows (only the
/// columns the fingerprint reads, when `watch` names them) then stream past it once, each only
/// adding to its key's fingerprint, and no row is kept. A second pass, narrowed in SQL to the
/// keys that changed or entered, fetches their whole rows. Memory grows with the number of keys
/// (a few dozen bytes each) and of events, not of rows. A baseline keeps every key's rows, as
/// the JSON the state records. Which keys entered, changed or left, and what that sends, is
/// `ChangeMode.steps`.
package struct ChangeEvaluator {
    /// A recipient text as read: the id of what it normalises to, and the fingerprint hashes
    /// after it (every row's hashes start with its recipient).
    private struct RecipientText {
        var recipient: Int32
        var hashes: (UInt64, UInt64)
    }

    /// Where the columns the trigger reads sit in one result shape.
    private struct Columns {
        let shape: RowShape
        let key: Int?
        let recipient: Int?
        let watched: [Int?]

        init(_ shape: RowShape, watch: [String]?) {
            self.shape = shape
            key = shape.index(of: "key")
            recipient = shape.index(of: "recipient")
            watched = (watch ?? shape.names).map { shape.index(of: $0) }
        }
    }

    /// One key's rows gathered by the second pass.
    private struct Fetched {
        var sum = FingerprintSum()
        var recipients: [Int32] = []
        var rows: [Row] = []
    }

    /// What the first pass reads.
    private enum FirstPass {
        /// The query's whole rows.
        case whole
        /// Only `key`, `recipient` and the watched columns (no row is kept).
        case projected
    }

    /// How the second pass fetches the rows of the keys it wants.
    private enum Fetch {
        /// The row source narrows the query to them.
        case narrowed(KeyComparison)
        /// The query as the first pass ran it, narrowed here: always agrees with the first pass.
        case whole
    }

    private let maker: ItemMaker
    private let trigger: ChangeTrigger
    /// The definition of `trigger` (see `definition(of:trigger:)`), to record with the state.
    package let definition: String
    /// What the evaluation does with the stored state (set by `load`).
    private var mode = ChangeMode.baseline

    /// Keys: the stored state's first (ids below `storedCount`), then those that entered.
    private var keys = ByteStringTable()
    private var storedCount = 0
    /// Stored fingerprints by key id; those unreadable count as changed.
    private var stored: [ChangeFingerprint] = []
    private var unreadable: Set<Int32> = []
    /// The query's fingerprint so far, by key id.
    private var sums: [FingerprintSum] = []
    /// The first recipient counted per key id (-1: none); the others of keys with several.
    private var firstRecipient: [Int32] = []
    private var moreRecipients: [Int32: [Int32]] = [:]
    /// Rows kept, by key id: every key's in a baseline, entered and changed keys' otherwise.
    private var kept: [Int32: [Row]] = [:]
    private var pass = FirstPass.whole
    /// A silent baseline keeps its rows only as the JSON the state records.
    private var encoded = EncodedRows()

    /// Recipient texts as read, and what they normalise to (per schedule: a few thousand).
    private var recipientTexts = ByteStringTable()
    private var recipientInfo: [RecipientText] = []
    /// The normalised recipients, numbered (bytes, not `String` keys: no SipHash per new text).
    private var recipients = ByteStringTable()
    private var columns: Columns?
    private var tally = RowTally()
    /// The key id found last, and how often the next key was found by guessing from it.
    private var lastKey: Int32 = -1
    private var guesses = true
    private var guessed = 0
    private var missed = 0

    /// Whether this evaluation records a baseline (the first, or the first after the query or
    /// `watch` was edited) rather than comparing rows with the stored state.
    package var recordsBaseline: Bool { mode != .compare }
    /// Rows read.
    package var rowCount: Int { tally.rows }
    /// Rows whose key was NULL (left out).
    package var nullKeys: Int { tally.nullKeys }

    /// An evaluator for `trigger`.
    package init(maker: ItemMaker, trigger: ChangeTrigger) {
        self.maker = maker
        self.trigger = trigger
        definition = Self.definition(of: maker.schedule, trigger: trigger)
    }

    /// What identifies the definition: editing the query or the watch list re-baselines.
    package static func definition(of schedule: Schedule, trigger: ChangeTrigger) -> String {
        let text = schedule.query + "\u{1F}" + (trigger.watch?.joined(separator: ",") ?? "*")
        return ConfigFiles.hex(SHA256.hash(data: Data(text.utf8))).prefix(32).description
    }

    /// The change events' items and the state updates: reads the ledger's state, runs the query
    /// over `source` (`columns` are its result columns, as preparing it gave them), and compares.
    package mutating func evaluate(ledger: any LedgerView, source: any RowSource, query: String, columns: [String],
                                   parameters: [String: SQLValue]) throws -> (items: [PlanItem], updates: [ChangeStateUpdate]) {
        try load(from: ledger)
        try read(from: source, query: query, columns: columns, parameters: parameters)
        return try finish(ledger: ledger)
    }

    /// Reads the ledger's state for the schedule before the rows stream in: the definition and
    /// every stored key with its fingerprint (a re-baseline deletes the keys it no longer sees).
    private mutating func load(from ledger: any LedgerView) throws {
        let previousDefinition = try ledger.changeDefinition(schedule: maker.schedule.id)
        mode = ChangeMode(recorded: previousDefinition, current: definition, trigger: trigger)
        guard previousDefinition != nil else { return }
        // The ledger gives its keys in order: while they ascend they are new and need no index.
        try ledger.forEachChangeFingerprint(schedule: maker.schedule.id) { key, fingerprint in
            guard keys.appendAscending(key) || keys.intern(key).isNew else { return }
            if fingerprint == nil { unreadable.insert(Int32(stored.count)) }
            stored.append(fingerprint ?? ChangeFingerprint(first: 0, second: 0))
        }
        storedCount = keys.count
        sums = Array(repeating: FingerprintSum(), count: storedCount)
        firstRecipient = Array(repeating: -1, count: storedCount)
    }

    /// Runs the query over `source` and considers its rows. A baseline keeps every key's rows
    /// in that one pass. When the state is compared, the pass keeps only the rows of the keys
    /// that entered, or, when `watch` names the columns, reads only `key`, `recipient` and those
    /// columns and keeps no row; a second pass then fetches the rows of the keys that changed
    /// (and of those that entered, if not kept). `columns` are the query's result columns, as
    /// preparing it gave them.
    private mutating func read(from source: any RowSource, query: String, columns resultColumns: [String],
                               parameters: [String: SQLValue]) throws {
        pass = .whole
        if mode == .compare, let watch = trigger.watch {
            pass = .projected
            var delivered = false
            do {
                try source.forEachCells(query: query, parameters: parameters, columns: ["key", "recipient"] + watch) { cells in
                    delivered = true
                    _ = count(cells)
                }
            } catch is QueryError where !delivered {
                pass = .whole
            }
        }
        if pass == .whole { try source.forEachRow(query: query, parameters: parameters) { consider($0) } }
        guard mode == .compare else { return }
        var wanted = changedKeys()
        if pass == .projected { wanted += Int32(storedCount)..<Int32(keys.count) }
        guard !wanted.isEmpty else { return }
        let full = (pass == .whole ? columns?.shape : nil) ?? RowShape(names: resultColumns)
        try fetchRows(of: wanted, from: source, query: query, parameters: parameters, as: Columns(full, watch: trigger.watch))
    }

    /// The stored keys whose rows changed. Not inline in the mutating `read`: there, each call
    /// of `step(of:)` copies the whole evaluator (a few dozen references), once per key.
    private func changedKeys() -> [Int32] {
        (0..<Int32(storedCount)).filter { step(of: $0)?.kind == .changed }
    }

    /// The stored state of key `id`.
    private func storedKey(_ id: Int32) -> StoredKey {
        guard id < storedCount else { return .absent }
        return unreadable.contains(id) ? .unreadable : .fingerprint(stored[Int(id)])
    }

    /// The fingerprint of key `id`'s rows so far; nil when the query returned none.
    private func current(_ id: Int32) -> ChangeFingerprint? {
        let sum = sums[Int(id)]
        return sum.rows > 0 ? sum.fingerprint : nil
    }

    /// What key `id` does, given the rows read so far.
    private func step(of id: Int32) -> ChangeStep? {
        mode.step(stored: storedKey(id), current: current(id), on: trigger.on)
    }

    /// Counts `row` into its key's fingerprint and keeps it as the mode wants.
    private mutating func consider(_ row: Row) {
        guard let id = count(row) else { return }
        switch mode {
        case .baseline: encoded.append(row, key: id)
        case .sendingBaseline: kept[id, default: []].append(row)
        case .compare: if Int(id) >= storedCount && pass == .whole { kept[id, default: []].append(row) }
        }
    }

    /// Counts `cells` into its key's fingerprint: the first row per (key, recipient) counts.
    /// Returns the key's id, nil when the row does not count.
    private mutating func count(_ cells: some RowCells) -> Int32? {
        // The kept columns are read in place: a copy per row would retain its shape and list.
        if columns?.shape !== cells.shape { columns = Columns(cells.shape, watch: trigger.watch) }
        var found: Int32?
        if let index = columns.unsafelyUnwrapped.key {
            cells.withText(index) { key in
                if tally.counts(key: key), let key { found = keyID(key) }
            }
        } else {
            _ = tally.counts(key: nil)
        }
        guard let id = found else { return nil }
        let text = recipientText(cells, columns.unsafelyUnwrapped.recipient)
        let index = Int(id)
        if firstRecipient[index] < 0 {
            firstRecipient[index] = text.recipient
        } else if firstRecipient[index] == text.recipient || moreRecipients[id]?.contains(text.recipient) == true {
            return nil
        } else {
            moreRecipients[id, default: []].append(text.recipient)
        }
        let hashes = Self.hashes(cells, columns.unsafelyUnwrapped.watched, from: text.hashes)
        sums[index].add(hashes)
        return id
    }

    /// The id of `key`, adding it when new. Results often come in key order, as the state's
    /// ids do: the key after the last one found (or the same one, or the one after that) is
    /// compared first, which spares most lookups in the index.
    @inline(__always)
    private mutating func keyID(_ key: UnsafeRawBufferPointer) -> Int32 {
        if guesses {
            let last = Int(lastKey), count = keys.count
            var guess = -1
            if last + 1 < count && keys.equals(Int32(last + 1), key) {
                guess = last + 1
            } else if last >= 0 && keys.equals(Int32(last), key) {
                guess = last
            } else if last + 2 < count && keys.equals(Int32(last + 2), key) {
                guess = last + 2
            }
            if guess >= 0 {
                guessed += 1
                lastKey = Int32(guess)
                return lastKey
            }
            missed += 1
            if missed > 4096 && missed > guessed { guesses = false }
        }
        let (id, isNew) = keys.intern(key)
        if isNew {
            sums.append(FingerprintSum())
            firstRecipient.append(-1)
        }
        lastKey = id
        return id
    }

    /// Fetches the rows of the `changed` keys: with the query narrowed by the row source to
    /// them, then, for keys whose rows do not make the first pass's fingerprint (their SQL
    /// value is no text, the narrowed query orders duplicates differently, or it cannot run),
    /// narrowed another way, and at last with the query itself.
    private mutating func fetchRows(of changed: [Int32], from source: any RowSource, query: String,
                                    parameters: [String: SQLValue], as first: Columns) throws {
        var pending = changed
        for fetch in [Fetch.narrowed(.value), .narrowed(.text), .whole] where !pending.isEmpty {
            // The pending keys get their own small table: its ids are their places in `pending`.
            var targets = ByteStringTable()
            for id in pending { keys.withBytes(id) { _ = targets.appendNew($0) } }
            let fetched: [Fetched]
            let isWhole: Bool
            switch fetch {
            case .whole:
                isWhole = true
                fetched = try collect(&targets, as: first) { try source.forEachRow(query: query, parameters: parameters, $0) }
            case .narrowed(let comparison):
                isWhole = false
                let wanted = pending.map { keys.string($0) }
                do {
                    fetched = try collect(&targets, as: first) {
                        try source.forEachRow(query: query, parameters: parameters, keys: wanted, comparedAs: comparison, $0)
                    }
                } catch is QueryError {
                    continue
                }
            }
            var missing: [Int32] = []
            for (id, key) in zip(pending, fetched) {
                if isWhole || (key.sum.rows == sums[Int(id)].rows && key.sum.fingerprint == sums[Int(id)].fingerprint) {
                    kept[id] = key.rows
                } else {
                    missing.append(id)
                }
            }
            pending = fetched.isEmpty ? pending : missing
        }
    }

    /// The rows of the keys in `targets` among those `rows` streams, deduplicated as the first
    /// pass does; rows take the first pass's shape. Empty when the result has other columns.
    private mutating func collect(_ targets: inout ByteStringTable, as first: Columns,
                                  rows: (_ body: (Row) throws -> Void) throws -> Void) throws -> [Fetched] {
        var fetched = Array(repeating: Fetched(), count: targets.count)
        var mismatched = false
        try rows { read in
            guard !mismatched else { return }
            let row: Row
            if read.shape === first.shape {
                row = read
            } else if read.values.count == first.shape.names.count {
                row = Row(shape: first.shape, values: read.values)
            } else {
                mismatched = true
                return
            }
            guard let index = first.key, var key = row.values[index].text, !key.isEmpty,
                  let target = key.withUTF8({ targets.find(UnsafeRawBufferPointer($0)) }) else { return }
            let slot = Int(target)
            let text = recipientText(row, first.recipient)
            guard !fetched[slot].recipients.contains(text.recipient) else { return }
            fetched[slot].recipients.append(text.recipient)
            fetched[slot].sum.add(Self.hashes(row, first.watched, from: text.hashes))
            fetched[slot].rows.append(row)
        }
        return mismatched ? [] : fetched
    }

    /// The recipient of `cells`, normalised once per distinct text.
    private mutating func recipientText(_ cells: some RowCells, _ column: Int?) -> RecipientText {
        var info: RecipientText?
        if let index = column {
            cells.withText(index) { bytes in
                if let bytes { info = recipientText(bytes) }
            }
        }
        if let info { return info }
        var empty = ""
        return empty.withUTF8 { recipientText(UnsafeRawBufferPointer($0)) }
    }

    /// The recipient of the text `bytes` (UTF-8), normalised once per distinct text.
    private mutating func recipientText(_ bytes: UnsafeRawBufferPointer) -> RecipientText {
        let (id, isNew) = recipientTexts.intern(bytes)
        if !isNew { return recipientInfo[Int(id)] }
        let raw = ItemMaker.trimmedRecipient(String(decoding: bytes, as: UTF8.self))
        var recipient = maker.normalise(raw) ?? raw
        let number = recipient.withUTF8 { recipients.intern(UnsafeRawBufferPointer($0)).id }
        var first = FNV(basis: FingerprintSum.bases.0), second = FNV(basis: FingerprintSum.bases.1)
        first.add(recipient)
        second.add(recipient)
        let info = RecipientText(recipient: number, hashes: (first.value, second.value))
        recipientInfo.append(info)
        return info
    }

    /// The row's two FNV-1a hashes: its recipient's (given) then its watched values.
    @inline(__always)
    private static func hashes(_ cells: some RowCells, _ watched: [Int?], from start: (UInt64, UInt64)) -> (UInt64, UInt64) {
        var first = FNV(basis: start.0), second = FNV(basis: start.1)
        for index in watched {
            // NULL, or a column the result lacks, counts as one zero byte.
            guard let index else {
                withUnsafeBytes(of: UInt8(0)) { first.add($0); second.add($0) }
                continue
            }
            cells.withText(index) { bytes in
                if let bytes {
                    first.add(bytes)
                    second.add(bytes)
                } else {
                    withUnsafeBytes(of: UInt8(0)) { first.add($0); second.add($0) }
                }
            }
        }
        return (first.value, second.value)
    }

    /// The events' items and the state updates, given the state `load` read and the rows read.
    private func finish(ledger: any LedgerView) throws -> (items: [PlanItem], updates: [ChangeStateUpdate]) {
        let schedule = maker.schedule.id
        let steps = mode.steps(of: 0..<Int32(keys.count), stored: { storedKey($0) }, current: { current($0) }, on: trigger.on,
                               precedes: { keys.precedes($0, $1) })
        // A change renders with the rows it replaces, a leave with the last ones seen.
        let replaced = steps.filter { $0.step.event == .change || $0.step.event == .leave }.map { keys.string($0.key) }
        let oldRows = replaced.isEmpty ? [:] : try ledger.changeRows(schedule: schedule, keys: replaced)
        var items: [PlanItem] = []
        var updates: [ChangeStateUpdate] = []
        updates.reserveCapacity(steps.count)
        // One shape for the stored rows read back, one encoder for the rows stored: not one per key.
        var storedShape: RowShape?
        var encoder = ChangeRowsJSON.Encoder()
        for (id, step) in steps {
            let key = keys.string(id)
            guard step.records else {
                updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: nil, rows: nil))
                if step.event == .leave { items += event(.leave, key: key, rows: ChangeRowsJSON.decode(oldRows[key], sharing: &storedShape), old: []) }
                continue
            }
            let rows = kept[id] ?? []
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: sums[Int(id)].fingerprint.hex,
                                             rows: mode == .baseline ? encoded.json(key: id) : ChangeRowsJSON.encode(rows, with: &encoder)))
            switch step.event {
            case .enter: items += event(.enter, key: key, rows: rows, old: [])
            case .change: items += event(.change, key: key, rows: rows, old: ChangeRowsJSON.decode(oldRows[key], sharing: &storedShape))
            case .leave, nil: break
            }
        }
        return (items, updates)
    }

    private func event(_ event: ChangeTrigger.Event, key: String, rows: [Row], old: [Row]) -> [PlanItem] {
        rows.map { row in
            var engine: [String: Any] = ["event": event.rawValue, "is_enter": event == .enter,
                                         "is_leave": event == .leave, "is_change": event == .change]
            if event == .change {
                let recipient = maker.rawRecipient(row)
                let before = old.first { maker.rawRecipient($0) == recipient } ?? old.first
                engine["changes"] = changes(from: before, to: row)
            } else {
                engine["changes"] = [[String: String]]()
            }
            return maker.item(key: key, row: row, occurrence: Occurrence("\(event.rawValue)@\(maker.slot.text)"), engine: engine)
        }
    }

    /// The watched columns that differ, as `{column, old, new}` for templates.
    private func changes(from old: Row?, to new: Row) -> [[String: String]] {
        let columns = trigger.watch ?? new.shape.names.filter { $0 != "key" && $0 != "recipient" }
        return columns.compactMap { column in
            let before = old?[column]?.text ?? ""
            let after = new[column]?.text ?? ""
            return before == after ? nil : ["column": column, "old": before, "new": after]
        }
    }
}
