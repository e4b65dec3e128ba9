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
            return out
        }
        var itemRows = [["SCHEDULE", "KEY", "RECIPIENT", "ACTION", "DETAIL"]]
        for item in plan.items {
            let detail: String
            if item.action == .skip {
                detail = item.reason ?? ""
            } else if item.channel == .sms {
                detail = "\(item.segments ?? 1) seg \(item.encoding ?? ""): " + preview(item.body ?? "")
            } else {
                detail = "subject: " + preview(item.subject ?? "")
            }
            itemRows.append([item.schedule, item.key, item.recipient, item.action.rawValue, detail])
        }
        out += table(itemRows)
        let sends = plan.items.filter { $0.action == .send }.count
        var reasons: [String: Int] = [:]
        for item in plan.items where item.action == .skip { reasons[item.reason ?? "", default: 0] += 1 }
        let reasonText = reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        out += "\n\(plan.items.count) item(s): \(sends) to send, \(plan.items.count - sends) skipped\(reasonText.isEmpty ? "" : " (\(reasonText))")\n"
        return out
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
