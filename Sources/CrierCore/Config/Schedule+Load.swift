import Foundation
import Yams

extension Schedule {
    /// The keys a schedule file may have.
    static let keys = ["description", "cron", "timezone", "enabled", "channel", "template", "trigger", "query", "quiet_hours", "times", "expires_after"]
    /// The triggers there are.
    static let triggerNames = ["upcoming", "overdue", "change"]

    /// The id a schedule file gets: its name without folder and `.yaml`.
    package static func id(forFile path: String) -> String {
        var name = String(path.split(separator: "/").last ?? Substring(path))
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }

    /// Reads one schedule file. Every problem is collected; nil when the schedule cannot run.
    /// `templateExists` says whether a template of a name exists for a channel (for the error).
    package static func load(
        path: String, text: String, defaults: Config, templates: TemplateSet,
        into diagnostics: inout DiagnosticCollector
    ) -> Schedule? {
        let file = YAMLFile(path: path, text: text)
        let before = diagnostics.diagnostics.count
        func failed() -> Bool { diagnostics.diagnostics[before...].contains { $0.severity == .error } }
        let id = Schedule.id(forFile: path)
        if id.isEmpty || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            diagnostics.error("schedule id \"\(id)\" (the file name) may hold only letters, digits, - and _",
                              at: FileLocation(file: path), hint: "Rename the file")
        }
        let root: Node
        switch file.compose() {
        case .failure(let diagnostic):
            diagnostics.add(diagnostic)
            return nil
        case .success(nil):
            diagnostics.error("the schedule file is empty", at: FileLocation(file: path),
                              hint: "Give it at least cron, channel, template, trigger and query")
            return nil
        case .success(let node?):
            root = node
        }
        guard let top = YAMLMapping.read(root, in: file, what: "a schedule", into: &diagnostics) else { return nil }
        top.rejectUnknownKeys(allowed: keys, in: "a schedule", into: &diagnostics)

        var cron: CronExpression?
        if let cronText = top.string("cron", required: true, in: "a schedule", into: &diagnostics), let node = top["cron"] {
            do {
                cron = try CronExpression(parsing: cronText)
            } catch {
                let location = file.location(of: node)
                // A quoted value starts one column after its mark.
                let quoteShift = (node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted) ? 1 : 0
                diagnostics.add(file.error("invalid cron \"\(cronText)\": \(error.message)", line: location.line,
                                           column: location.column + quoteShift + error.column - 1,
                                           hint: "Use 5 fields: minute hour day-of-month month day-of-week, e.g. \"0 17 * * *\""))
            }
        }
        let zone = Config.readTimeZone(top, key: "timezone", into: &diagnostics) ?? defaults.timeZone
        let enabled = top.bool("enabled", into: &diagnostics) ?? true
        let channel: Channel = readChoice(top, "channel", default: .sms, into: &diagnostics)
        let template = top.string("template", required: true, in: "a schedule", into: &diagnostics) ?? ""
        if top["channel"] == nil {
            // Say which channel the template is for, rather than guess one and blame the template.
            let existing = Channel.allCases.filter { templates.has(template, for: $0) }
            let hint = existing.count == 1 ? "Add `channel: \(existing[0].rawValue)` (templates/\(template).\(existing[0].rawValue).mustache exists)"
                                           : "Add `channel: sms` or `channel: email`"
            diagnostics.add(file.error("a schedule needs \"channel\"", at: root, hint: hint))
        } else if let node = top["template"], !template.isEmpty, !templates.has(template, for: channel) {
            let expected = channel == .sms ? "templates/\(template).sms.mustache" : "templates/\(template).email.mustache"
            let names = templates.names(for: channel)
            diagnostics.add(file.error(
                "unknown \(channel.rawValue) template \"\(template)\": there is no \(expected)", at: node,
                hint: Suggestion.closest(to: template, in: names).map { "Did you mean \"\($0)\"?" }
                    ?? (names.isEmpty ? "Create \(expected)" : "Known \(channel.rawValue) templates: \(names.joined(separator: ", "))")))
        } else if let problems = templates.problems(template, for: channel), !problems.isEmpty {
            diagnostics.error("template \"\(template)\" has errors (reported above)", at: top["template"].map(file.location(of:)))
        }
        let trigger = readTrigger(top, file: file, into: &diagnostics)
        let query = top.string("query", required: true, in: "a schedule", into: &diagnostics) ?? ""
        var queryLocation = FileLocation(file: path)
        if let node = top["query"] {
            queryLocation = file.textLocation(of: node)
            if query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                diagnostics.add(file.error("\"query\" is empty", at: node, hint: "Write the SELECT whose rows are the messages"))
            }
        }
        let quietHours = QuietHours.load(top, file: file, into: &diagnostics)
        var times: [String] = []
        if let node = top["times"] {
            let names = node.sequence.map { $0.compactMap(\.string) } ?? node.string.map { [$0] } ?? []
            if names.isEmpty || names.count != (node.sequence?.count ?? 1) {
                diagnostics.add(file.error("\"times\" must list column names, not \(top.quoted(node))", at: node,
                                           hint: "Write e.g. `times: [pickup_at, due_at]`"))
            }
            times = names
        }
        var expiresAfter = Int(DeliveryRules.defaultExpiry)
        if let text = top.string("expires_after", in: "a schedule", into: &diagnostics), let node = top["expires_after"] {
            if let seconds = Self.parseSpan(text) {
                expiresAfter = seconds
            } else {
                diagnostics.add(file.error("invalid \"expires_after\" \"\(text)\"", at: node, hint: "Write \(DurationText.examples)"))
            }
        }
        guard !failed(), let cron, let trigger else { return nil }
        var schedule = Schedule(
            id: id, file: path,
            description: top.string("description", in: "a schedule", into: &diagnostics) ?? "",
            cron: cron, timeZone: zone, enabled: enabled, channel: channel, template: template,
            trigger: trigger, query: query, queryLocation: queryLocation, quietHours: quietHours, times: times)
        schedule.expiresAfterSeconds = expiresAfter
        return schedule
    }

    /// Seconds in a positive duration (`2 days`, `36 hours`, `36h`): `DurationText`'s grammar.
    package static func parseSpan(_ text: String) -> Int? {
        DurationText.seconds(text).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func readTrigger(_ top: YAMLMapping, file: YAMLFile, into diagnostics: inout DiagnosticCollector) -> Trigger? {
        guard let node = top["trigger"] else {
            diagnostics.add(file.error("a schedule needs \"trigger\"", at: top.node,
                                       hint: "Add e.g. `trigger: { upcoming: { interval: 1 day, at: starts_at } }`"))
            return nil
        }
        guard let mapping = YAMLMapping.read(node, in: file, what: "\"trigger\"", into: &diagnostics) else { return nil }
        guard mapping.entries.count == 1, let entry = mapping.entries.first else {
            diagnostics.add(file.error("\"trigger\" must name exactly one trigger", at: node,
                                       hint: "Valid: " + triggerNames.joined(separator: ", ")))
            return nil
        }
        switch entry.key {
        case "upcoming":
            guard let body = YAMLMapping.read(entry.value, in: file, what: "\"upcoming\"", into: &diagnostics) else { return nil }
            body.rejectUnknownKeys(allowed: ["interval", "at"], in: "the upcoming trigger", into: &diagnostics)
            let at = body.string("at", required: true, in: "the upcoming trigger", into: &diagnostics)
            var interval: UpcomingTrigger.Interval?
            if let text = body.string("interval", required: true, in: "the upcoming trigger", into: &diagnostics), let intervalNode = body["interval"] {
                interval = UpcomingTrigger.Interval.parse(text)
                if interval == nil {
                    diagnostics.add(file.error("invalid interval \"\(text)\"", at: intervalNode,
                                               hint: "Use today, or 1 to 28 days written as `1 day`, `3 days`, `2 weeks`, `4 weeks`"))
                }
            }
            guard let at, let interval else { return nil }
            return .upcoming(UpcomingTrigger(interval: interval, atColumn: at))
        case "overdue":
            guard let body = YAMLMapping.read(entry.value, in: file, what: "\"overdue\"", into: &diagnostics) else { return nil }
            body.rejectUnknownKeys(allowed: ["since", "after", "repeat"], in: "the overdue trigger", into: &diagnostics)
            let since = body.string("since", required: true, in: "the overdue trigger", into: &diagnostics)
            var after: Int?
            if let text = body.string("after", required: true, in: "the overdue trigger", into: &diagnostics), let node = body["after"] {
                after = Self.parseSpan(text)
                if after == nil {
                    diagnostics.add(file.error("invalid \"after\" \"\(text)\"", at: node,
                                               hint: "Write \(DurationText.examples)"))
                }
            }
            let repeatCount = body.int("repeat", in: 1...100, into: &diagnostics) ?? 1
            guard let since, let after else { return nil }
            return .overdue(OverdueTrigger(sinceColumn: since, afterSeconds: after, repeatCount: repeatCount))
        case "change":
            guard let body = YAMLMapping.read(entry.value, in: file, what: "\"change\"", into: &diagnostics) else { return nil }
            body.rejectUnknownKeys(allowed: ["on", "watch", "baseline"], in: "the change trigger", into: &diagnostics)
            var events: [ChangeTrigger.Event] = []
            if let node = body["on"] {
                let words = node.sequence.map { $0.map { $0.string ?? "" } } ?? [node.string ?? ""]
                for word in words {
                    if let event = ChangeTrigger.Event(rawValue: word) {
                        if !events.contains(event) { events.append(event) }
                    } else {
                        diagnostics.add(file.error("unknown change event \"\(word)\"", at: node,
                                                   hint: Suggestion.hint(for: word, in: ChangeTrigger.Event.allCases.map(\.rawValue))))
                    }
                }
            } else {
                diagnostics.add(file.error("the change trigger needs \"on\"", at: entry.value, hint: "Add `on: [enter]`, `[leave]` or `[change]`"))
            }
            var watch: [String]?
            if let node = body["watch"] {
                watch = node.sequence.map { $0.compactMap(\.string) } ?? node.string.map { [$0] }
            }
            var baselineSends = false
            if let node = body["baseline"] {
                switch node.string {
                case "silent": baselineSends = false
                case "send": baselineSends = true
                default:
                    diagnostics.add(file.error("\"baseline\" must be silent or send, not \(body.quoted(node))", at: node))
                }
            }
            guard !events.isEmpty else { return nil }
            return .change(ChangeTrigger(on: events, watch: watch, baselineSends: baselineSends))
        default:
            diagnostics.add(file.error("unknown trigger \"\(entry.key)\"", at: entry.keyNode,
                                       hint: Suggestion.hint(for: entry.key, in: triggerNames)))
            return nil
        }
    }
}
