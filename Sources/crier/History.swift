import ArgumentParser
import CrierCore
import Foundation

/// `crier history`: what was sent, skipped or failed.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "What was sent, skipped or failed, from the ledger.")

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: "Only this key (job, ticket...).")
    var key: String?

    @Option(name: .long, help: "Only this recipient (a phone number in any format the default region reads, or an email address).")
    var recipient: String?

    @Option(name: .long, help: ArgumentHelp("Only this schedule.", valueName: "ID"))
    var schedule: String?

    @Option(name: .long, help: "table or json.")
    var format: PlanCommand.Format = .table

    @Flag(name: .long, help: "Count the messages sent per key and per recipient instead of listing items.")
    var counts = false

    @Flag(name: .long, help: "Show what each message said: subject, text and attachment names.")
    var showBody = false

    @Option(name: .long, help: ArgumentHelp("Everything that happened to one item: recorded, tried, settled, retried (by whom).", valueName: "ITEM_ID"))
    var item: String?

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
        let config = workspace.repository.config
        guard let ledger = try workspace.ledger({ try $0.openForReading() }) else {
            print("No ledger yet at \(config.ledgerPath): nothing has run.")
            return
        }
        var wanted = recipient
        if let raw = recipient {
            if case .success(let number) = PhoneNumber.parse(raw, defaultRegion: config.sms.defaultRegion) {
                wanted = number.e164
            } else if let email = EmailAddress.parse(raw) {
                wanted = email.normalized
            }
        }
        if counts {
            try printCounts(ledger, recipient: wanted)
            return
        }
        if let item {
            try printEvents(ledger, item: item)
            return
        }
        let entries = try ledger.history(HistoryFilter(key: key, recipient: wanted, schedule: schedule), limit: 1000)
        let contents = showBody ? try ledger.contents(ids: entries.map(\.id)) : [:]
        if format == .json {
            let json = JSONValue.array(entries.map { entry in
                var pairs: [(String, JSONValue)] = [
                    ("id", .string(entry.id)), ("schedule", .string(entry.schedule)), ("key", .string(entry.key)),
                    ("occurrence", .string(entry.occurrence)), ("channel", .string(entry.channel)),
                    ("recipient", .string(entry.recipient)), ("state", .string(entry.state)), ("updated_at", .string(entry.updatedAt)),
                ]
                if let reason = entry.reason { pairs.append(("reason", .string(reason))) }
                if let error = entry.error { pairs.append(("error", .string(error))) }
                if let sentAt = entry.sentAt { pairs.append(("sent_at", .string(sentAt))) }
                if let item = contents[entry.id] { pairs += Self.content(of: item).map { ($0.0, .string($0.1)) } }
                return .object(pairs)
            })
            print(json.rendered(), terminator: "")
            return
        }
        guard !entries.isEmpty else {
            print("Nothing in the ledger matches.")
            return
        }
        var rows = [["UPDATED (UTC)", "SCHEDULE", "KEY", "OCCURRENCE", "RECIPIENT", "STATE", "DETAIL"]]
        for entry in entries {
            rows.append([entry.updatedAt, entry.schedule, entry.key, entry.occurrence, entry.recipient, entry.state,
                         entry.reason ?? entry.error ?? ""])
        }
        print(PlanTable.table(rows), terminator: "")
        for entry in entries {
            guard let item = contents[entry.id], item.content != nil else { continue }
            print("\n\(entry.updatedAt) \(entry.schedule) \(entry.key) → \(entry.recipient) (\(entry.state)):")
            for (name, text) in Self.content(of: item) {
                print("  \(name): " + text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    "))
            }
        }
        let sent = entries.filter { $0.state == "sent" }.count
        print("\n\(entries.count) item(s), \(sent) sent")
    }

    /// `--show-body`: what an item said: subject, body, attachment names.
    static func content(of item: PlanItem) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let subject = item.content?.email?.subject { pairs.append(("subject", subject)) }
        if let body = item.content?.body { pairs.append(("body", body)) }
        if let attachments = item.content?.email?.attachments, !attachments.isEmpty {
            pairs.append(("attachments", attachments.map(\.filename).joined(separator: ", ")))
        }
        return pairs
    }

    /// `--item ID`: the item's events, oldest first; exits 64 for an id the ledger does not have.
    private func printEvents(_ ledger: any LedgerReader, item id: String) throws {
        let events = try ledger.events(itemID: id)
        guard !events.isEmpty else {
            printError("error: no item \(id) in the ledger. `crier failures` and `crier history --format json` list items with their ids")
            throw Exit.usage
        }
        if format == .json {
            print(JSONValue.array(events.map { event in
                var pairs: [(String, JSONValue)] = [("at", .string(event.at)), ("event", .string(event.state))]
                if let detail = event.detail { pairs.append(("detail", .string(detail))) }
                if let command = event.command { pairs.append(("command", .string(command))) }
                return .object(pairs)
            }).rendered(), terminator: "")
            return
        }
        var rows = [["AT (UTC)", "EVENT", "BY", "DETAIL"]]
        for event in events { rows.append([event.at, event.state, event.command.map { "crier \($0)" } ?? "", event.detail ?? ""]) }
        print(PlanTable.table(rows), terminator: "")
    }

    /// `--counts`: messages sent per key and per recipient (TimeTrak's count against an appointment).
    private func printCounts(_ ledger: any LedgerReader, recipient wanted: String?) throws {
        let filter = HistoryFilter(key: key, recipient: wanted, schedule: schedule)
        let perKey = try ledger.sentCounts(by: .key, filter)
        let perRecipient = try ledger.sentCounts(by: .recipient, filter)
        if format == .json {
            func list(_ counts: [SentCount], _ name: String) -> JSONValue {
                .array(counts.map { count in
                    var pairs: [(String, JSONValue)] = [(name, .string(count.subject)), ("sent", .int(count.total)),
                                                        ("sms", .int(count.sms)), ("email", .int(count.email))]
                    if let last = count.lastSentAt { pairs.append(("last_sent_at", .string(last))) }
                    return .object(pairs)
                })
            }
            print(JSONValue.object([("per_key", list(perKey, "key")), ("per_recipient", list(perRecipient, "recipient"))]).rendered(),
                  terminator: "")
            return
        }
        guard !perKey.isEmpty else {
            print("Nothing sent matches.")
            return
        }
        for (title, counts) in [("KEY", perKey), ("RECIPIENT", perRecipient)] {
            var rows = [[title, "SENT", "SMS", "EMAIL", "LAST SENT (UTC)"]]
            for count in counts { rows.append([count.subject, "\(count.total)", "\(count.sms)", "\(count.email)", count.lastSentAt ?? ""]) }
            print(PlanTable.table(rows))
        }
    }
}
