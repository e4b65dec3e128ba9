import ArgumentParser
import CrierCore
import CrierSQLite
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

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
        let config = workspace.repository.config
        guard let ledger = try LedgerStore.openExisting(path: config.ledgerPath) else {
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
        let entries = try ledger.history(key: key, recipient: wanted, schedule: schedule)
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
        let sent = entries.filter { $0.state == "sent" }.count
        print("\n\(entries.count) item(s), \(sent) sent")
    }
}
