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
/// the JSON the state records.
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

    /// The parameter that carries the changed keys into the second pass's query.
    static let keysParameter = "crier_change_keys"

    private let maker: ItemMaker
    private let trigger: ChangeTrigger
    /// The definition of `trigger` (see `definition(of:trigger:)`), to record with the state.
    package let definition: String
    /// Whether the stored state is compared (the definition is unchanged); else a baseline.
    private var diffing = false
    /// Whether this is the first baseline and `baseline: send` asks it to send `enter` events.
    private var sendsBaseline = false

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
    /// Whether the first pass reads only the columns the fingerprint needs (no row is kept).
    private var projecting = false
    /// A baseline that sends nothing keeps its rows only as the JSON the state records.
    private var keepsJSON = false
    private var encoded = EncodedRows()

    /// Recipient texts as read, and what they normalise to (per schedule: a few thousand).
    private var recipientTexts = ByteStringTable()
    private var recipientInfo: [RecipientText] = []
    private var recipients: [String: Int32] = [:]
    private var columns: Columns?
    private var tally = RowTally()
    /// The key id found last, and how often the next key was found by guessing from it.
    private var lastKey: Int32 = -1
    private var guesses = true
    private var guessed = 0
    private var missed = 0

    /// Whether this evaluation records a baseline (the first, or the first after the query or
    /// `watch` was edited) rather than comparing rows with the stored state.
    package var recordsBaseline: Bool { !diffing }
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

    /// Reads the ledger's state for the schedule before the rows stream in: the definition and
    /// every stored key with its fingerprint (a re-baseline deletes the keys it no longer sees).
    package mutating func load(from ledger: any LedgerView) throws {
        let previousDefinition = try ledger.changeDefinition(schedule: maker.schedule.id)
        diffing = previousDefinition == definition
        sendsBaseline = previousDefinition == nil && trigger.baselineSends && trigger.on.contains(.enter)
        keepsJSON = !diffing && !sendsBaseline
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
    package mutating func read(from source: any RowSource, query: String, columns resultColumns: [String],
                               parameters: [String: SQLValue]) throws {
        if diffing, let watch = trigger.watch {
            projecting = true
            var delivered = false
            do {
                try source.forEachRow(query: Self.projected(query, watch: watch), parameters: parameters) { row in
                    delivered = true
                    consider(row)
                }
            } catch is QueryError where !delivered {
                projecting = false
            }
        }
        if !projecting { try source.forEachRow(query: query, parameters: parameters) { consider($0) } }
        guard diffing else { return }
        var wanted = changedKeys()
        if projecting { wanted += Int32(storedCount)..<Int32(keys.count) }
        guard !wanted.isEmpty else { return }
        let full = projecting ? RowShape(names: resultColumns) : columns!.shape
        try fetchRows(of: wanted, from: source, query: query, parameters: parameters, as: Columns(full, watch: trigger.watch))
    }

    /// The stored keys the query returned whose fingerprint differs now, in id order.
    private func changedKeys() -> [Int32] {
        (0..<Int32(storedCount)).filter { id in
            let sum = sums[Int(id)]
            return sum.rows > 0 && (stored[Int(id)] != sum.fingerprint || (!unreadable.isEmpty && unreadable.contains(id)))
        }
    }

    /// The stored keys the query no longer returns, in id order.
    private func leftKeys() -> [Int32] {
        (0..<Int32(storedCount)).filter { sums[Int($0)].rows == 0 }
    }

    /// Counts `row` into its key's fingerprint; the first row per (key, recipient) counts.
    private mutating func consider(_ row: Row) {
        if columns?.shape !== row.shape { columns = Columns(row.shape, watch: trigger.watch) }
        let columns = columns!
        guard var key = tally.key(of: row, at: columns.key) else { return }
        let id = key.withUTF8 { keyID(UnsafeRawBufferPointer($0)) }
        let text = recipientText(row, columns)
        let index = Int(id)
        if firstRecipient[index] < 0 {
            firstRecipient[index] = text.recipient
        } else if firstRecipient[index] == text.recipient || moreRecipients[id]?.contains(text.recipient) == true {
            return
        } else {
            moreRecipients[id, default: []].append(text.recipient)
        }
        sums[index].add(hashes(row, columns, from: text.hashes))
        if keepsJSON {
            encoded.append(row, key: id)
        } else if !diffing || (index >= storedCount && !projecting) {
            kept[id, default: []].append(row)
        }
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

    /// How the second pass narrows the query to the changed keys.
    enum KeyFilter: CaseIterable {
        /// `"key" IN (...)`: uses the snapshot's indexes, compares with the column's affinity.
        case key
        /// `CAST("key" AS TEXT) IN (...)`: keys computed as numbers.
        case text
        /// The query as the first pass ran it, narrowed here: always agrees with the first pass.
        case none
    }

    /// Fetches the rows of the `changed` keys: with the query narrowed in SQL to them, then,
    /// for keys whose rows do not make the first pass's fingerprint (their SQL value is no
    /// text, the narrowed query orders duplicates differently, or it cannot run), narrowed
    /// another way, and at last with the query itself.
    private mutating func fetchRows(of changed: [Int32], from source: any RowSource, query: String,
                                    parameters: [String: SQLValue], as first: Columns) throws {
        var pending = changed
        for filter in KeyFilter.allCases where !pending.isEmpty {
            // The pending keys get their own small table: its ids are their places in `pending`.
            var targets = ByteStringTable()
            for id in pending { keys.withBytes(id) { _ = targets.appendNew($0) } }
            let fetched: [Fetched]
            if filter == .none {
                fetched = try collect(&targets, from: source, query: query, parameters: parameters, as: first)
            } else {
                var narrowed = parameters
                narrowed[Self.keysParameter] = .text(JSONValue.array(pending.map { .string(keys.string($0)) }).compact())
                do {
                    fetched = try collect(&targets, from: source, query: Self.filtered(query, by: filter), parameters: narrowed, as: first)
                } catch is QueryError {
                    continue
                }
            }
            var missing: [Int32] = []
            for (id, key) in zip(pending, fetched) {
                if filter == .none || (key.sum.rows == sums[Int(id)].rows && key.sum.fingerprint == sums[Int(id)].fingerprint) {
                    kept[id] = key.rows
                } else {
                    missing.append(id)
                }
            }
            pending = fetched.isEmpty ? pending : missing
        }
    }

    /// The rows of the keys in `targets`, deduplicated as the first pass does; rows take the
    /// first pass's shape. Empty when the result has other columns.
    private mutating func collect(_ targets: inout ByteStringTable, from source: any RowSource, query: String,
                                  parameters: [String: SQLValue], as first: Columns) throws -> [Fetched] {
        var fetched = Array(repeating: Fetched(), count: targets.count)
        var mismatched = false
        try source.forEachRow(query: query, parameters: parameters) { read in
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
            let text = recipientText(row, first)
            guard !fetched[slot].recipients.contains(text.recipient) else { return }
            fetched[slot].recipients.append(text.recipient)
            fetched[slot].sum.add(hashes(row, first, from: text.hashes))
            fetched[slot].rows.append(row)
        }
        return mismatched ? [] : fetched
    }

    /// `query` reduced to the columns the fingerprint reads: `key`, `recipient`, `watch`.
    static func projected(_ query: String, watch: [String]) -> String {
        let columns = (["key", "recipient"] + watch).map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return "SELECT \(columns.joined(separator: ", ")) FROM (\n\(body(of: query))\n)"
    }

    /// `query` without the semicolons and white space after it, to nest it.
    private static func body(of query: String) -> Substring {
        var body = Substring(query)
        while let last = body.last, last.isWhitespace || last == ";" { body.removeLast() }
        return body
    }

    /// `query` narrowed by `filter` to the keys bound to `keysParameter` (a JSON array).
    static func filtered(_ query: String, by filter: KeyFilter) -> String {
        let column = filter == .text ? "CAST(\"key\" AS TEXT)" : "\"key\""
        return "SELECT * FROM (\n\(body(of: query))\n) WHERE \(column) IN (SELECT value FROM json_each(:\(keysParameter)))"
    }

    /// The recipient of `row`, normalised once per distinct text.
    private mutating func recipientText(_ row: Row, _ columns: Columns) -> RecipientText {
        let value = columns.recipient.map { row.values[$0] } ?? .null
        var text = value.text ?? ""
        let (id, isNew) = text.withUTF8 { recipientTexts.intern(UnsafeRawBufferPointer($0)) }
        if !isNew { return recipientInfo[Int(id)] }
        let raw = ItemMaker.trimmedRecipient(text)
        let recipient = maker.normalise(raw) ?? raw
        let number: Int32
        if let known = recipients[recipient] {
            number = known
        } else {
            number = Int32(recipients.count)
            recipients[recipient] = number
        }
        var first = FNV(basis: FingerprintSum.bases.0), second = FNV(basis: FingerprintSum.bases.1)
        first.add(recipient)
        second.add(recipient)
        let info = RecipientText(recipient: number, hashes: (first.value, second.value))
        recipientInfo.append(info)
        return info
    }

    /// The row's two FNV-1a hashes: its recipient's (given) then its watched values.
    @inline(__always)
    private func hashes(_ row: Row, _ columns: Columns, from start: (UInt64, UInt64)) -> (UInt64, UInt64) {
        var first = FNV(basis: start.0), second = FNV(basis: start.1)
        for index in columns.watched {
            if var text = index.flatMap({ row.values[$0].text }) {
                text.withUTF8 { first.add(UnsafeRawBufferPointer($0)); second.add(UnsafeRawBufferPointer($0)) }
            } else {
                // NULL, or a column the result lacks.
                withUnsafeBytes(of: UInt8(0)) { first.add($0); second.add($0) }
            }
        }
        return (first.value, second.value)
    }

    /// The events' items and the state updates, given the state `load` read.
    package func finish(ledger: any LedgerView) throws -> (items: [PlanItem], updates: [ChangeStateUpdate]) {
        let schedule = maker.schedule.id
        var items: [PlanItem] = []
        var updates: [ChangeStateUpdate] = []
        let sorted = { (ids: [Int32]) in ids.sorted { keys.precedes($0, $1) } }
        guard diffing else {
            updates.reserveCapacity(keys.count)
            for id in sorted(Array(0..<Int32(keys.count))) where sums[Int(id)].rows > 0 {
                let key = keys.string(id), rows = kept[id] ?? []
                updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: sums[Int(id)].fingerprint.hex,
                                                 rows: keepsJSON ? encoded.json(key: id) : ChangeRowsJSON.encode(rows)))
                if sendsBaseline { items += event(.enter, key: key, rows: rows, old: []) }
            }
            // Keys recorded under the old definition that the new one does not return.
            for id in sorted(leftKeys()) {
                updates.append(ChangeStateUpdate(schedule: schedule, key: keys.string(id), fingerprint: nil, rows: nil))
            }
            return (items, updates)
        }
        let entered = sorted(Array(Int32(storedCount)..<Int32(keys.count)))
        let changed = sorted(changedKeys()), left = sorted(leftKeys())
        let oldRows = (trigger.on.contains(.leave) || trigger.on.contains(.change))
            ? try ledger.changeRows(schedule: schedule, keys: (left + changed).map(keys.string)) : [:]
        for id in entered {
            let key = keys.string(id), rows = kept[id] ?? []
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: sums[Int(id)].fingerprint.hex,
                                             rows: ChangeRowsJSON.encode(rows)))
            if trigger.on.contains(.enter) { items += event(.enter, key: key, rows: rows, old: []) }
        }
        for id in changed {
            let key = keys.string(id), rows = kept[id] ?? []
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: sums[Int(id)].fingerprint.hex,
                                             rows: ChangeRowsJSON.encode(rows)))
            if trigger.on.contains(.change) {
                items += event(.change, key: key, rows: rows, old: ChangeRowsJSON.decode(oldRows[key]))
            }
        }
        for id in left {
            let key = keys.string(id)
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: nil, rows: nil))
            if trigger.on.contains(.leave) { items += event(.leave, key: key, rows: ChangeRowsJSON.decode(oldRows[key]), old: []) }
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
            return maker.item(key: key, row: row, occurrence: "\(event.rawValue)@\(maker.slotText)", engine: engine)
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
