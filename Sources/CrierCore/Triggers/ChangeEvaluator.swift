import Crypto
import Foundation

/// 64-bit FNV-1a, stable across processes (unlike `Hasher`), for change fingerprints.
struct FNV {
    private(set) var value: UInt64

    init(basis: UInt64) { value = basis }

    /// Adds `text`'s UTF-8 bytes and a separator.
    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        value ^= 0x1f
        value = value &* 0x0000_0100_0000_01b3
    }
}

/// One key's change-trigger state after a run: set it (fingerprint and last seen rows) or
/// delete it (the key left).
package struct ChangeStateUpdate: Sendable, Equatable, Codable {
    /// The schedule.
    package var schedule: String
    /// The key.
    package var key: String
    /// Fingerprint of the watched columns of all the key's rows; nil deletes the key.
    package var fingerprint: String?
    /// The key's rows as compact JSON (enough to render a `leave` message later).
    package var rows: String?

    /// An update.
    package init(schedule: String, key: String, fingerprint: String?, rows: String?) {
        self.schedule = schedule
        self.key = key
        self.fingerprint = fingerprint
        self.rows = rows
    }
}

/// The `change` trigger: compares the query's result, grouped by key, with the last seen rows
/// the ledger keeps per schedule, and makes `enter`, `leave` and `change` events. The first
/// evaluation (or one after the query or `watch` list was edited) records a baseline and sends
/// nothing, unless `baseline: send` asks a first one to.
package struct ChangeEvaluator {
    private struct KeyRows {
        var rows: [Row] = []
        var recipients: [String] = []
        var sum1: UInt64 = 0
        var sum2: UInt64 = 0

        /// Order-independent fingerprint of the key's rows (two 64-bit FNV-1a sums).
        var fingerprint: String {
            func hex(_ value: UInt64) -> String {
                let text = String(value, radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }
            return hex(sum1) + hex(sum2 ^ UInt64(rows.count))
        }
    }

    private let maker: ItemMaker
    private let trigger: ChangeTrigger
    private var current: [String: KeyRows] = [:]
    private var normalised: [String: String] = [:]
    private var previousDefinition: String?
    private var previous: [String: String] = [:]
    private var tally = RowTally()
    /// Rows read.
    package var rowCount: Int { tally.rows }
    /// Rows whose key was NULL (left out).
    package var nullKeys: Int { tally.nullKeys }

    /// An evaluator for `trigger`.
    package init(maker: ItemMaker, trigger: ChangeTrigger) {
        self.maker = maker
        self.trigger = trigger
    }

    /// What identifies the definition: editing the query or the watch list re-baselines.
    package static func definition(of schedule: Schedule, trigger: ChangeTrigger) -> String {
        let text = schedule.query + "\u{1F}" + (trigger.watch?.joined(separator: ",") ?? "*")
        return ConfigFiles.hex(SHA256.hash(data: Data(text.utf8))).prefix(32).description
    }

    /// Considers one row; the first row per (key, recipient) counts.
    package mutating func add(_ row: Row) {
        guard let key = tally.key(of: row) else { return }
        let raw = maker.rawRecipient(row)
        let recipient: String
        if let known = normalised[raw] {
            recipient = known
        } else {
            recipient = maker.normalise(raw) ?? raw
            normalised[raw] = recipient
        }
        if current[key]?.recipients.contains(recipient) == true { return }
        var hash1 = FNV(basis: 0xcbf2_9ce4_8422_2325), hash2 = FNV(basis: 0x8422_2325_cbf2_9ce4)
        for part in [recipient] + watchedValues(row) {
            hash1.add(part)
            hash2.add(part)
        }
        current[key, default: KeyRows()].rows.append(row)
        current[key]!.recipients.append(recipient)
        current[key]!.sum1 &+= hash1.value
        current[key]!.sum2 &+= hash2.value
    }

    /// Reads the ledger's state for `schedule` before the rows stream in (and sizes the tables).
    package mutating func load(schedule: String, ledger: any LedgerView) throws {
        previousDefinition = try ledger.changeDefinition(schedule: schedule)
        previous = previousDefinition == nil ? [:] : try ledger.changeFingerprints(schedule: schedule)
        current.reserveCapacity(previous.count)
    }

    /// The events' items and the state updates, given the state `load` read.
    package func finish(schedule: String, slotText: String, definition: String, ledger: any LedgerView) throws -> (items: [PlanItem], updates: [ChangeStateUpdate]) {
        var items: [PlanItem] = []
        var updates: [ChangeStateUpdate] = []
        guard let previousDefinition, previousDefinition == definition else {
            let sendBaseline = previousDefinition == nil && trigger.baselineSends && trigger.on.contains(.enter)
            for key in current.keys.sorted() {
                let entry = current[key]!
                updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: entry.fingerprint, rows: Self.encode(entry.rows)))
                if sendBaseline { items += event(.enter, key: key, rows: entry.rows, old: [], slotText: slotText) }
            }
            return (items, updates)
        }
        var entered: [String] = [], changed: [String] = []
        var fingerprints: [String: String] = [:]
        for (key, entry) in current {
            let fingerprint = entry.fingerprint
            switch previous[key] {
            case nil: entered.append(key)
            case let old? where old != fingerprint: changed.append(key)
            default: continue
            }
            fingerprints[key] = fingerprint
        }
        entered.sort()
        changed.sort()
        let left = previous.keys.filter { current[$0] == nil }.sorted()
        let oldRows = (trigger.on.contains(.leave) || trigger.on.contains(.change))
            ? try ledger.changeRows(schedule: schedule, keys: left + changed) : [:]
        for key in entered {
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: fingerprints[key], rows: Self.encode(current[key]!.rows)))
            if trigger.on.contains(.enter) { items += event(.enter, key: key, rows: current[key]!.rows, old: [], slotText: slotText) }
        }
        for key in changed {
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: fingerprints[key], rows: Self.encode(current[key]!.rows)))
            if trigger.on.contains(.change) {
                items += event(.change, key: key, rows: current[key]!.rows, old: Self.decode(oldRows[key]), slotText: slotText)
            }
        }
        for key in left {
            updates.append(ChangeStateUpdate(schedule: schedule, key: key, fingerprint: nil, rows: nil))
            if trigger.on.contains(.leave) { items += event(.leave, key: key, rows: Self.decode(oldRows[key]), old: [], slotText: slotText) }
        }
        return (items, updates)
    }

    private func event(_ event: ChangeTrigger.Event, key: String, rows: [Row], old: [Row], slotText: String) -> [PlanItem] {
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
            return maker.item(key: key, row: row, occurrence: "\(event.rawValue)@\(slotText)", engine: engine)
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

    private func watchedValues(_ row: Row) -> [String] {
        (trigger.watch ?? row.shape.names).map { column in
            switch row[column] {
            case nil, .null?: return "\u{0}"
            case let value?: return value.text ?? ""
            }
        }
    }

    /// Rows as compact JSON: `[{"column": value, ...}]` with text, integers and nulls.
    package static func encode(_ rows: [Row]) -> String {
        JSONValue.array(rows.map { row in
            .object(zip(row.shape.names, row.values).map { name, value in
                switch value {
                case .null: return (name, .null)
                case .integer(let number): return (name, .int(Int(number)))
                default: return (name, .string(value.text ?? ""))
                }
            })
        }).compact()
    }

    /// Rows back from `encode`'s JSON.
    package static func decode(_ json: String?) -> [Row] {
        guard let json, let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return [] }
        return array.compactMap { element in
            guard let object = element as? [String: Any] else { return nil }
            let names = object.keys.sorted()
            let values: [SQLValue] = names.map { name in
                switch object[name] {
                case let text as String: return .text(text)
                case let number as NSNumber: return .integer(number.int64Value)
                default: return .null
                }
            }
            return Row(shape: RowShape(names: names), values: values)
        }
    }
}
