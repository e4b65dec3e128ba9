import CrierCore
import CrierSQLite
import Foundation

/// The plan as one self-contained HTML page for people who do not read tables of ids: what
/// each schedule decided, every SMS as a phone bubble, every email as a card, why anything is
/// not sent, and what earlier runs left waiting. No script: the filters are links to
/// `#show-...` anchors that CSS (`:target`, `:has`) acts on, so they work with JavaScript off.
/// Same plan and ledger, same bytes.
struct PlanHTML {
    let plan: Plan
    let repository: ConfigRepository
    /// Items earlier runs left pending: the next run delivers them (after SPEC §5's checks).
    /// Items earlier runs left pending, with what the next run does with each.
    var backlog: [BacklogItem] { plan.backlog }

    /// The skip reasons of the plan, sorted, each with its count; the index is the filter's id.
    private var reasons: [(reason: String, count: Int)] {
        var counts: [String: Int] = [:]
        for item in plan.items where item.action != .send { counts[item.reason?.description ?? "", default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    private var zone: TimeZone { repository.config.timeZone }

    func render() -> String {
        let reasons = self.reasons
        let index = Dictionary(uniqueKeysWithValues: reasons.enumerated().map { ($1.reason, $0) })
        var body = header(reasons: reasons)
        body += filters(reasons: reasons)
        body += decisions()
        let bySchedule = Dictionary(grouping: plan.items, by: \.schedule)
        for decision in plan.schedules {
            body += scheduleSection(decision, items: bySchedule[decision.schedule] ?? [], reasonIndex: index)
        }
        body += backlogSection()
        body += "<footer class=\"muted\"><p>Plan at <code>\(Timestamp.utc(plan.at))</code> · config <code>\(plan.configSHA256.prefix(12))</code> · snapshot <code>\(plan.snapshotSHA256.prefix(12))</code>. Made by <code>crier plan --format html</code>; nothing was sent or recorded.</p></footer>\n"
        return HTMLPage.page(title: "crier plan for \(HTMLPage.time(plan.at, in: zone))",
                             style: Self.style + filterStyle(reasons: reasons), body: body)
    }

    private func header(reasons: [(reason: String, count: Int)]) -> String {
        let sends = plan.sends
        let sms = sends.filter { $0.channel == .sms }.count
        let skipped = plan.items.count - sends.count
        var out = "<header>\n<h1>What crier will send</h1>\n"
        out += "<p class=\"muted\">If crier runs at <b>\(HTMLPage.escape(HTMLPage.time(plan.at, in: zone)))</b> (\(HTMLPage.escape(zone.identifier))). This is a preview: nothing has been sent.</p>\n"
        out += "<div class=\"totals\">\n"
        out += total(sms, "text message to send", "text messages to send", id: "total-sms", kind: "send")
        out += total(sends.count - sms, "email to send", "emails to send", id: "total-email", kind: "send")
        out += total(skipped, "not sent", "not sent", id: "total-skipped", kind: "skip")
        out += total(backlog.count, "waiting from earlier runs", "waiting from earlier runs", id: "total-backlog", kind: "wait")
        out += "</div>\n</header>\n"
        return out
    }

    private func total(_ number: Int, _ singular: String, _ plural: String, id: String, kind: String) -> String {
        "<div class=\"total \(kind)\" id=\"\(id)\"><span class=\"number\">\(number)</span> \(number == 1 ? singular : plural)</div>\n"
    }

    private func filters(reasons: [(reason: String, count: Int)]) -> String {
        var out = "<nav class=\"panel filters\" aria-label=\"Show\">\n"
        // The anchors the filter links point at: `:target` on one of them selects the filter.
        out += (["show-send", "show-skip", "show-backlog"] + reasons.indices.map { "show-r\($0)" })
            .map { "<span class=\"anchor\" id=\"\($0)\"></span>" }.joined() + "\n"
        out += "<b>Show:</b> <a href=\"#\" class=\"all\">everything</a>\n"
        out += "<a href=\"#show-send\">to send (\(plan.sends.count))</a>\n"
        out += "<a href=\"#show-skip\">not sent (\(plan.items.count - plan.sends.count))</a>\n"
        out += "<a href=\"#show-backlog\">waiting from earlier runs (\(backlog.count))</a>\n"
        if !reasons.isEmpty {
            out += "<p><b>Why not sent:</b>\n"
            for (index, entry) in reasons.enumerated() {
                out += "<a href=\"#show-r\(index)\" class=\"reason\" title=\"\(HTMLPage.escape(Self.explain(entry.reason)))\" data-reason=\"\(HTMLPage.escape(entry.reason))\">\(HTMLPage.escape(entry.reason)) <span class=\"count\">\(entry.count)</span></a>\n"
            }
            out += "</p>\n"
        }
        out += "</nav>\n"
        return out
    }

    /// One rule per filter: items that do not match hide, and so do sections left empty.
    private func filterStyle(reasons: [(reason: String, count: Int)]) -> String {
        var filters = [("show-send", ".item[data-action=\"send\"]"), ("show-skip", ".item[data-action=\"skip\"]"),
                       ("show-backlog", ".item[data-action=\"pending\"]")]
        filters += reasons.indices.map { ("show-r\($0)", ".item[data-r=\"\($0)\"]") }
        return filters.map { id, match in
            "body:has(#\(id):target) .item:not(\(match)), body:has(#\(id):target) .group:not(:has(\(match))) { display: none; }\n"
                + "body:has(#\(id):target) a[href=\"#\(id)\"] { background: var(--accent); color: #fff; }\n"
        }.joined()
    }

    private func decisions() -> String {
        var out = "<section class=\"panel\" id=\"slots\">\n<h2>Schedules</h2>\n<table>\n<tr><th>Schedule</th><th>Slot</th><th>Decision</th><th>Rows read</th><th>Messages</th></tr>\n"
        let bySchedule = Dictionary(grouping: plan.items, by: \.schedule)
        for decision in plan.schedules {
            let items = bySchedule[decision.schedule] ?? []
            let sends = items.filter { $0.action == .send }.count
            out += "<tr data-schedule=\"\(HTMLPage.escape(decision.schedule))\"><td><a href=\"#schedule-\(HTMLPage.escape(decision.schedule))\">\(HTMLPage.escape(decision.schedule))</a></td>"
            out += "<td>\(HTMLPage.escape(slotText(decision)))</td>"
            out += "<td><span class=\"tag \(decision.status == .due ? "send" : "")\">\(decision.status.rawValue)</span> \(HTMLPage.escape(Self.explain(decision.status)))</td>"
            out += "<td>\(decision.rows.map(String.init) ?? "")</td>"
            out += "<td>\(items.isEmpty ? "" : "\(sends) to send, \(items.count - sends) not sent")</td></tr>\n"
        }
        out += "</table>\n</section>\n"
        return out
    }

    private func slotText(_ decision: SlotDecision) -> String {
        guard let slot = decision.slot.flatMap(Timestamp.parseISO) else { return "–" }
        let scheduleZone = repository.schedules.first { $0.id == decision.schedule }?.timeZone ?? zone
        return HTMLPage.time(slot, in: scheduleZone)
    }

    private func scheduleSection(_ decision: SlotDecision, items: [PlanItem], reasonIndex: [String: Int]) -> String {
        let schedule = repository.schedules.first { $0.id == decision.schedule }
        var out = "<section class=\"panel group schedule\" id=\"schedule-\(HTMLPage.escape(decision.schedule))\">\n"
        out += "<h2>\(HTMLPage.escape(decision.schedule))</h2>\n"
        if let description = schedule?.description, !description.isEmpty {
            out += "<p>\(HTMLPage.escape(description))</p>\n"
        }
        out += "<p class=\"muted\">Slot \(HTMLPage.escape(slotText(decision))): \(HTMLPage.escape(Self.explain(decision.status)))"
        if let occurrence = decision.occurrence, !occurrence.isEmpty { out += " For \(HTMLPage.escape(occurrence))." }
        if let keys = decision.baselineKeys { out += " This run records a baseline of \(keys) key(s); later runs report what enters, leaves or changes." }
        out += "</p>\n"
        guard !items.isEmpty else { return out + "<p class=\"muted\">No messages.</p>\n</section>\n" }
        let sends = items.filter { $0.action == .send }.count
        var counts: [String: Int] = [:]
        for item in items where item.action != .send { counts[item.reason?.description ?? "", default: 0] += 1 }
        out += "<p class=\"counts\"><span class=\"tag send\">\(sends) to send</span>"
        for (reason, count) in counts.sorted(by: { $0.key < $1.key }) {
            out += " <span class=\"tag skip\">\(HTMLPage.escape(reason)): \(count)</span>"
        }
        out += "</p>\n<div class=\"items\">\n"
        for item in items {
            out += card(item, reason: item.reason.flatMap { reasonIndex[$0.description] })
        }
        out += "</div>\n</section>\n"
        return out
    }

    private func backlogSection() -> String {
        var out = "<section class=\"panel group backlog\" id=\"backlog\">\n<h2>Waiting from earlier runs</h2>\n"
        guard !backlog.isEmpty else {
            return out + "<p class=\"muted\">Nothing is waiting: earlier runs delivered everything they planned.</p>\n</section>\n"
        }
        out += "<p class=\"muted\">Earlier runs planned these and have not delivered them yet; the next run tries them again (unless the recipient opted out, the event started or the message expired).</p>\n<div class=\"items\">\n"
        for waiting in backlog {
            let entry = waiting.entry
            var note: String
            switch waiting.verdict {
            case .deliver: note = "The next run sends it."
            case .withdraw(let reason): note = "The next run withdraws it: \(reason). \(Self.explain(reason.description))"
            case .hold(let reason): note = "Still waiting (\(reason.rawValue))."
            }
            note += " Tried \(HTMLPage.count(entry.attempts, "time", "times"))."
            if let error = entry.lastError { note += " Last error: \(error)" }
            out += card(entry.item, reason: nil, action: "pending", note: note)
        }
        out += "</div>\n</section>\n"
        return out
    }

    /// An SMS as a phone bubble or an email as a card; skipped items say why.
    private func card(_ item: PlanItem, reason: Int?, action: String? = nil, note: String? = nil) -> String {
        let action = action ?? item.action.rawValue
        var out = "<article class=\"item \(item.channel.rawValue) \(action)\" data-action=\"\(action)\""
        if let reason { out += " data-r=\"\(reason)\"" }
        out += ">\n"
        if item.action != .send, action != "pending" {
            // Over max_per_day an item is held: recorded pending, it goes out in a run with room.
            let label = item.action == .hold ? "Waits" : "Not sent"
            out += "<p class=\"why\"><b>\(label):</b> \(HTMLPage.escape(item.reason?.description ?? "")). \(HTMLPage.escape(Self.explain(item.reason?.description ?? "")))</p>\n"
        }
        if let note { out += "<p class=\"why wait\">\(HTMLPage.escape(note))</p>\n" }
        switch item.channel {
        case .sms: out += smsCard(item)
        case .email: out += emailCard(item)
        }
        out += "<p class=\"ids muted\">\(HTMLPage.escape(item.schedule)) · key \(HTMLPage.escape(item.key))\(item.occurrence.text.isEmpty ? "" : " · \(HTMLPage.escape(item.occurrence.text))") · id <code>\(item.id)</code></p>\n"
        out += "</article>\n"
        return out
    }

    private func smsCard(_ item: PlanItem) -> String {
        var out = "<p class=\"to\">To <b>\(HTMLPage.escape(item.recipient))</b></p>\n<div class=\"phone\">"
        let sms = item.content?.sms
        if let body = sms?.body {
            out += "<p class=\"bubble\">\(HTMLPage.escape(body))</p>"
        } else {
            out += "<p class=\"bubble empty\">(no text: the message could not be written)</p>"
        }
        out += "</div>\n"
        if let sms {
            let measure = SMSMeasure.of(sms.body)
            let (segments, encoding) = (sms.segments, sms.encoding)
            out += "<p class=\"sms-meta muted\">\(HTMLPage.count(segments, "segment", "segments")) · \(HTMLPage.escape(encoding)) · \(HTMLPage.count(measure.characters, "character", "characters"))</p>\n"
        }
        return out
    }

    private func emailCard(_ item: PlanItem) -> String {
        let email = repository.config.email
        let from = email.from.map(Self.display) ?? "(email.from is not set)"
        let content = item.content?.email
        let replyTo = content?.replyTo ?? (email.replyTo.isEmpty ? nil : email.replyTo.map(Self.display).joined(separator: ", "))
        var out = "<dl class=\"headers\">"
        func header(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            out += "<dt>\(name)</dt><dd>\(HTMLPage.escape(value))</dd>"
        }
        header("From", from)
        header("To", item.recipient)
        header("Reply-To", replyTo)
        header("Cc", content?.cc)
        header("Bcc", content?.bcc)
        header("Subject", content?.subject ?? "")
        header("Attachments", content?.attachments.map { $0.map(Self.describe).joined(separator: ", ") })
        out += "</dl>\n"
        if let body = content?.body {
            out += "<pre class=\"text\">\(HTMLPage.escape(body))</pre>\n"
        }
        if let html = content?.html {
            // A sandboxed frame: no script, no same origin, and the page's policy again inside, so
            // the message's remote images and styles are never fetched.
            let document = "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTMLPage.contentSecurityPolicy)\">" + html
            out += "<details open><summary>HTML version</summary><iframe sandbox=\"\" referrerpolicy=\"no-referrer\" title=\"HTML version of the email to \(HTMLPage.escape(item.recipient))\" srcdoc=\"\(HTMLPage.escape(document))\"></iframe></details>\n"
        }
        return out
    }

    /// `Job J1.pdf (PDF from job-sheet)`, `terms.txt (file sheets/terms.txt, 21 bytes)`.
    private static func describe(_ attachment: PlannedAttachment) -> String {
        if let template = attachment.pdf { return "\(attachment.filename) (PDF from \(template))" }
        let size = attachment.size.map { ", \($0) bytes" } ?? ""
        return "\(attachment.filename) (file \(attachment.file ?? "")\(size))"
    }

    private static func display(_ mailbox: Mailbox) -> String {
        guard let name = mailbox.displayName, !name.isEmpty else { return mailbox.address }
        return "\(name) <\(mailbox.address)>"
    }

    /// A slot decision in plain words.
    static func explain(_ status: SlotDecision.Status) -> String {
        switch status {
        case .due: return "Runs now."
        case .alreadyRun: return "Already ran for this slot: nothing new to send."
        case .missed: return "Missed: the slot is older than catch_up, so it is recorded as missed and sends nothing."
        case .alreadyMissed: return "This slot was missed earlier: nothing to send."
        case .disabled: return "Turned off (enabled: false)."
        case .noSlot: return "Its cron expression has no slot yet."
        case .invalid: return "Has errors: run `crier validate` to see them."
        case .failed: return "Could not be evaluated: see the errors crier printed."
        }
    }

    /// A skip reason in plain words.
    static func explain(_ reason: String) -> String {
        let name = reason.split(separator: ":").first.map(String.init) ?? reason
        switch name {
        case "already-sent": return "An earlier run sent this message."
        case "already-planned": return "An earlier run planned it; it is waiting to be delivered."
        case "failed-earlier": return "An earlier attempt failed for good; `crier retry` can try again."
        case "opted-out": return "The recipient asked not to be contacted."
        case "invalid-address": return "The phone number or email address is not valid."
        case "too-long": return "The text needs more SMS segments than max_segments allows."
        case "missing-variable": return "A value the template needs is empty in the data."
        case "invalid-header": return "A subject or address line would hold a line break."
        case "invalid-time": return "The time in the data cannot be read."
        case "superseded": return "A later reminder replaces this one."
        case "quiet-hours": return "Inside quiet hours: it goes out with the first run after them."
        case "event-started": return "The appointment has started: too late to remind."
        case "daily-cap": return "Over max_per_day: it waits for a run with room."
        case "expired": return "Too old to send (expires_after)."
        default: return ""
        }
    }

    private static let style = """
        header { margin-bottom: 8px; }
        .totals { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 12px; }
        .total { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; min-width: 170px; }
        .total .number { display: block; font-size: 28px; font-weight: 700; }
        .total.send .number { color: var(--send); } .total.skip .number { color: var(--skip); } .total.wait .number { color: var(--wait); }
        .filters a { display: inline-block; margin: 2px 4px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 999px;
          color: var(--accent); text-decoration: none; background: #fff; }
        .filters .count { font-weight: 700; }
        .anchor { position: absolute; }
        .items { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px; margin-top: 8px; }
        .item { border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; background: #fff; }
        .item.skip { background: #fdf7f4; }
        .item.pending { background: #fffbea; }
        .why { color: var(--skip); } .why.wait { color: var(--wait); }
        .to { margin: 0 0 6px; }
        .phone { background: #eef1f6; border-radius: 16px; padding: 12px; }
        .bubble { margin: 0; background: #34c759; color: #fff; padding: 8px 12px; border-radius: 18px 18px 4px 18px;
          white-space: pre-wrap; overflow-wrap: anywhere; max-width: 95%; margin-left: auto; width: fit-content; }
        .item.skip .bubble { background: #b9c0cc; }
        .bubble.empty { background: #fff; color: var(--muted); border: 1px dashed var(--line); }
        .sms-meta, .ids { font-size: 12px; margin-top: 6px; }
        dl.headers { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0 0 8px; }
        dl.headers dt { color: var(--muted); font-size: 13px; } dl.headers dd { margin: 0; overflow-wrap: anywhere; }
        pre.text { white-space: pre-wrap; font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: var(--paper);
          padding: 8px; border-radius: 6px; margin: 0; max-height: 320px; overflow: auto; }
        iframe { width: 100%; height: 260px; border: 1px solid var(--line); border-radius: 6px; background: #fff; resize: vertical; }
        summary { cursor: pointer; color: var(--accent); margin: 6px 0; }

        """
}
