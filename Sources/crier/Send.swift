import ArgumentParser
import CrierCore
import CrierDelivery
import CrierSQLite
import Foundation

/// `crier send`: one manual message, with every check of a planned item, recorded under
/// schedule `manual` and delivered at once.
struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one manual message (from a template or typed), checked and recorded like a planned one.",
        discussion: """
            Exit codes: 0 sent; 1 not sent (opted out, already sent today, or the delivery failed); \
            64 usage error; 65 invalid config or message (bad address, too long, missing variable, bad header); \
            75 the ledger is busy or the delivery failed for now and waits for the next run.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("The phone number or email address.", valueName: "ADDR"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("A template of templates/ (NAME.sms.mustache or NAME.email.mustache).", valueName: "NAME"))
    var template: String?

    @Option(name: .long, help: ArgumentHelp("The message, as typed (not a template).", valueName: "TEXT"))
    var body: String?

    @Option(name: .long, help: ArgumentHelp("The subject (job, appointment...) it is recorded against.", valueName: "K"))
    var key = "manual"

    @Option(name: .customLong("var"), help: ArgumentHelp("A template variable (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(name: .long, help: "sms or email (default: email when --to is an email address).")
    var channel: Channel?

    @Option(name: .long, help: ArgumentHelp("The subject line of a typed email.", valueName: "S"))
    var subject: String?

    @Option(name: .long, help: ArgumentHelp("Send as of this instant (ISO 8601 with offset).", valueName: "T"))
    var at: String?

    @Flag(name: .long, help: "Send even though the same message went to the same recipient and key today.")
    var again = false

    func validate() throws {
        guard (template == nil) != (body == nil) else { throw ValidationError("give either --template NAME or --body TEXT") }
        for variable in variables where !variable.contains("=") {
            throw ValidationError("--var \"\(variable)\" must be NAME=VALUE")
        }
    }

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config)
        try workspace.refuseInvalidConfig()
        guard !workspace.hasErrors else { throw Exit.invalid }
        let repository = workspace.repository
        let config = repository.config
        let clock: any Clock = try at.map { FixedClock(try EvaluationOptions.instant($0)) } ?? SystemClock()
        let now = clock.now
        let channel = self.channel ?? (to.contains("@") ? .email : .sms)
        let message = ManualMessage(repository: repository, channel: channel, key: key, at: now)
        var item: PlanItem
        if let template {
            guard repository.templates.has(template, for: channel) else {
                let names = repository.templates.names(for: channel)
                printError("error: no \(channel.rawValue) template \"\(template)\". \(Suggestion.hint(for: template, in: names))")
                throw Exit.usage
            }
            let values = Dictionary(variables.map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), String(parts[1]))
            }) { $1 }
            let unknown = message.unknownVariables(template: template, given: Set(values.keys))
            guard unknown.isEmpty else {
                printError("error: template \"\(template)\" uses " + unknown.map { "{{\($0)}}" }.joined(separator: ", ")
                           + ": pass " + unknown.map { "--var \($0)=VALUE" }.joined(separator: " "))
                throw Exit.usage
            }
            item = message.fromTemplate(template, to: to, values: values)
        } else {
            if channel == .email, subject == nil {
                printError("error: a typed email needs --subject S")
                throw Exit.usage
            }
            item = message.typed(body ?? "", subject: subject, to: to)
        }
        let pipeline = try LedgerSession.pipeline(workspace: workspace, clock: clock)
        item = try message.identify(item, again: again, ledger: pipeline.ledger)
        if item.action == .send {
            var keys = try pipeline.ledger.optOutKeys()
            if let query = config.optOutQuery {
                keys.formUnion(try query.addresses(rows: try workspace.openSnapshot(), at: now, region: config.sms.defaultRegion).keys)
            }
            var items = [item]
            ConsentRules(optedOut: keys, at: now).apply(to: &items, quiet: false)
            item = items[0]
        }
        let plan = Plan(at: now, configSHA256: repository.sha256, snapshotSHA256: "", schedules: [], items: [item],
                        stateUpdates: [], definitions: [:])
        let report = try pipeline.execute(plan, command: "send", repository: repository,
                                          rows: config.optOutQuery == nil ? nil : try workspace.openSnapshot())
        guard item.action == .send else {
            let reason = item.reason
            print("not sent to \(item.recipient): \(reason?.description ?? "skipped")"
                  + (reason == .alreadySent ? " (the same message today; add --again to send it once more)" : ""))
            throw ManualMessage.refusalIsInvalid(reason) ? Exit.invalid : Exit.deliveriesFailed
        }
        let state = try pipeline.ledger.history(HistoryFilter(key: item.key, recipient: item.recipient, schedule: ManualMessage.schedule), limit: 1000)
            .first { $0.id == item.id }
        switch state?.state {
        case "sent":
            print("sent to \(item.recipient) (\(item.channel.rawValue), key \(item.key), item \(item.id))")
        case "pending":
            print("not sent yet to \(item.recipient): \(state?.error ?? "waiting"); the next `crier run` retries it")
            throw Exit.temporary
        default:
            print("not sent to \(item.recipient): \(state?.error ?? state?.reason ?? state?.state ?? "unknown")")
            throw Exit.deliveriesFailed
        }
        let summary = report.summary
        if summary.sent > 1 { print("also delivered \(summary.sent - 1) item(s) left pending by earlier runs") }
    }
}

extension Channel: ExpressibleByArgument {}

/// Builds the one item of `crier send` with the checks of a planned one.
struct ManualMessage {
    /// The schedule manual messages are recorded under.
    static let schedule = Schedule.manualID

    let repository: ConfigRepository
    let channel: Channel
    let key: String
    let at: Date

    /// The maker a planned item of a `manual` schedule would get.
    private func maker(template: String) -> ItemMaker {
        let config = repository.config
        let schedule = Schedule.manual(template: template, channel: channel, timeZone: config.timeZone)
        return ItemMaker(schedule: schedule, slot: Slot(at), region: config.sms.defaultRegion,
                         renderer: MessageRenderer(templates: repository.templates, sms: config.sms,
                                                   attachmentFiles: AttachmentStore(directory: config.attachmentsDir)))
    }

    /// The template's variables that `given` (and `key`, `recipient`) do not provide.
    func unknownVariables(template: String, given: Set<String>) -> [String] {
        let columns = given.union(["key", "recipient"])
        var names: [String] = []
        for part in repository.templates.variables(template, for: channel) {
            for name in part.unknownVariables(columns: columns) where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The item rendered from `template` with `values`.
    func fromTemplate(_ template: String, to recipient: String, values: [String: String]) -> PlanItem {
        var names = ["key", "recipient"], cells: [SQLValue] = [.text(key), .text(recipient)]
        for (name, value) in values.sorted(by: { $0.key < $1.key }) where !names.contains(name) {
            names.append(name)
            cells.append(.text(value))
        }
        return maker(template: template).item(key: key, row: Row(shape: RowShape(names: names), values: cells), occurrence: "", engine: [:])
    }

    /// The item of a typed message: measured and checked like a rendered one, never read as a template.
    func typed(_ body: String, subject: String?, to recipient: String) -> PlanItem {
        let maker = maker(template: "")
        let raw = ItemMaker.trimmedRecipient(recipient)
        guard let address = maker.normalise(raw, for: channel) else {
            return maker.skipped(key: key, recipient: raw, occurrence: "", channel: channel, .invalidAddress)
        }
        var item = maker.bare(key: key, recipient: address, occurrence: "", channel: channel)
        switch channel {
        case .sms:
            let measure = SMSMeasure.of(body)
            item.content = .sms(SMSContent(body: body, measure: measure))
            if !measure.fits(maxSegments: repository.config.sms.maxSegments) { item.action = .skip; item.reason = .tooLong }
        case .email:
            item.content = .email(EmailContent(body: body, subject: subject))
            if subject?.contains(where: \.isNewline) == true { item.action = .skip; item.reason = .invalidHeader("subject") }
        }
        return item
    }

    /// `item` with its occurrence (the local date and a hash of the content, so that the same
    /// message to the same recipient and key on one day has one id) and that id; an id already
    /// in the ledger is `already-sent`, or with `again` the next free repetition (`#2`, `#3`...).
    func identify(_ item: PlanItem, again: Bool, ledger: any LedgerView) throws -> PlanItem {
        let content = [item.content?.email?.subject ?? "", item.content?.body ?? ""].joined(separator: "\u{1F}")
        var hasher = StreamingSHA256()
        Array(content.utf8).withUnsafeBytes { hasher.update($0) }
        let digest = String(hasher.finalize().prefix(8))
        let base = LocalDate.of(at, in: repository.config.timeZone).description + "/" + digest
        func identified(_ occurrence: Occurrence) -> PlanItem {
            var copy = item
            copy.occurrence = occurrence
            copy.id = PlanItem.id(schedule: Self.schedule, key: item.key, occurrence: occurrence, channel: item.channel, recipient: item.recipient)
            return copy
        }
        var candidate = identified(Occurrence(base))
        var number = 1
        while try ledger.itemStates(ids: [candidate.id])[candidate.id] != nil {
            guard again else {
                candidate.action = .skip
                candidate.reason = .alreadySent
                return candidate
            }
            number += 1
            candidate = identified(Occurrence("\(base)#\(number)"))
        }
        return candidate
    }

    /// Whether a refusal is about the message itself (exit 65) rather than consent or repetition (exit 1).
    static func refusalIsInvalid(_ reason: SkipReason?) -> Bool {
        !(reason == .optedOut || reason == .alreadySent)
    }
}
