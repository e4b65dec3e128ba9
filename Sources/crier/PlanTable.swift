import CrierCore
import Foundation

/// The plan as a table for people: slot decisions, then one line per item.
enum PlanTable {
    static func render(_ plan: Plan, repository: ConfigRepository) -> String {
        var out = "crier plan at \(Timestamp.utc(plan.at))  config \(plan.configSHA256.prefix(12))  snapshot \(plan.snapshotSHA256.prefix(12))\n\n"
        let zones = Dictionary(uniqueKeysWithValues: repository.schedules.map { ($0.id, $0.timeZone) })
        var slotRows = [["SCHEDULE", "SLOT (schedule's zone)", "STATUS", "OCCURRENCE", "ROWS"]]
        for decision in plan.schedules {
            let slot = decision.slot.flatMap(Timestamp.parseISO).map { date in
                zones[decision.schedule].map { Timestamp.local(date, in: $0) } ?? Timestamp.utc(date)
            } ?? "-"
            slotRows.append([decision.schedule, slot, decision.status.rawValue, decision.occurrence ?? "-", decision.rows.map(String.init) ?? "-"])
        }
        out += table(slotRows)
        for decision in plan.schedules {
            if let keys = decision.baselineKeys {
                out += "\(decision.schedule): this run records a baseline of \(keys) key(s); later runs report what enters, leaves or changes\n"
            }
        }
        out += "\n"
        if plan.items.isEmpty {
            out += "No messages.\n"
        } else {
            out += items(plan.items)
        }
        if !plan.backlog.isEmpty { out += "\n" + backlog(plan.backlog) }
        return out
    }

    /// One line per item, and the count of each fate. An item over `max_per_day` waits for
    /// room (it is recorded pending), so it is shown as `wait`, not as skipped.
    private static func items(_ items: [PlanItem]) -> String {
        let waits = { (item: PlanItem) in item.action == .hold }
        var itemRows = [["SCHEDULE", "KEY", "RECIPIENT", "ACTION", "DETAIL"]]
        for item in items {
            let detail: String
            if item.action != .send {
                detail = item.reason?.description ?? ""
            } else if item.channel == .sms {
                let sms = item.content?.sms
                detail = "\(sms?.segments ?? 1) seg \(sms?.encoding ?? ""): " + preview(sms?.body ?? "")
            } else {
                detail = "subject: " + preview(item.content?.email?.subject ?? "")
            }
            itemRows.append([item.schedule, item.key, item.recipient, waits(item) ? "wait" : item.action.rawValue, detail])
        }
        var out = table(itemRows)
        let sends = items.filter { $0.action == .send }.count
        let waiting = items.filter(waits).count
        var reasons: [String: Int] = [:]
        for item in items where item.action == .skip { reasons[item.reason?.description ?? "", default: 0] += 1 }
        let reasonText = reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += "\n\(items.count) item(s): \(sends) to send"
        if waiting > 0 { out += ", \(waiting) waiting for room under max_per_day" }
        out += ", \(items.count - sends - waiting) skipped\(reasonText.isEmpty ? "" : " (\(reasonText))")\n"
        return out
    }

    /// The items earlier runs left pending, with what the next run does with each.
    private static func backlog(_ backlog: [BacklogItem]) -> String {
        var rows = [["SCHEDULE", "KEY", "RECIPIENT", "NEXT RUN", "DETAIL"]]
        for waiting in backlog {
            let item = waiting.entry.item
            var detail = waiting.reason ?? (waiting.entry.attempts == 0 ? "not tried" : "tried \(waiting.entry.attempts) time(s)")
            if waiting.verdict == .deliver, let error = waiting.entry.lastError { detail += ", last error: " + preview(error, limit: 80) }
            rows.append([item.schedule, item.key, item.recipient, waiting.action, detail])
        }
        let counts = Dictionary(grouping: backlog, by: \.action).mapValues(\.count)
        return "Waiting from earlier runs (the next run takes these first):\n" + table(rows)
            + "\n\(backlog.count) waiting: \(counts["send", default: 0]) to send, \(counts["skip", default: 0]) to withdraw, "
            + "\(counts["wait", default: 0]) to wait longer\n"
    }

    static func preview(_ text: String, limit: Int = 60) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < row.count - 1 { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index < row.count - 1 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
