import ArgumentParser
import CrierCore
import Foundation

/// `crier optout add|remove|list`: the suppression list in the ledger.
struct OptOut: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optout",
        abstract: "The suppression list: phone numbers and email addresses that are never messaged.",
        subcommands: [Add.self, Remove.self, List.self])

    /// Reads ADDRESS as a phone number (in `sms.default_region`) or an email address; exits 64 otherwise.
    static func address(_ raw: String, config: Config) throws -> OptOutAddress {
        guard let address = OptOutAddress.parse(raw, region: config.sms.defaultRegion) else {
            printError("error: \"\(raw)\" is neither a mobile number nor an email address. "
                       + "Write a number as E.164 (+64211234567) or as a \(config.sms.defaultRegion.name) national number, or an address like name@example.com")
            throw Exit.usage
        }
        return address
    }

    /// `crier optout add ADDRESS [--reason TEXT]`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an address to the suppression list.")
        @OptionGroup var configOptions: ConfigOptions
        @Argument(help: "A phone number (any format the default region reads) or an email address.")
        var address: String
        @Option(name: .long, help: "Why (shown by optout list).")
        var reason: String?

        func run() throws {
            let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
            let parsed = try OptOut.address(address, config: workspace.repository.config)
            let ledger = try workspace.ledger { try $0.openForWriting() }
            if try ledger.addOptOut(parsed.key, reason: reason, source: .manual, at: SystemClock().now) {
                print("Opted out: \(parsed.key)")
            } else {
                print("Already opted out: \(parsed.key)")
            }
        }
    }

    /// `crier optout remove ADDRESS`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an address from the suppression list.")
        @OptionGroup var configOptions: ConfigOptions
        @Argument(help: "A phone number (any format the default region reads) or an email address.")
        var address: String

        func run() throws {
            let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
            let parsed = try OptOut.address(address, config: workspace.repository.config)
            guard try workspace.ledger({ try $0.openForWriting() }).removeOptOut(parsed.key) else {
                print("Not on the suppression list: \(parsed.key)")
                return
            }
            print("Opted back in: \(parsed.key)")
        }
    }

    /// `crier optout list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the suppression list (opt_out_query's addresses are not included).")
        @OptionGroup var configOptions: ConfigOptions

        func run() throws {
            let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
            let entries = try workspace.ledger { try $0.openForReading() }?.optOuts() ?? []
            guard !entries.isEmpty else {
                print("The suppression list is empty.")
                return
            }
            var rows = [["ADDRESS", "SOURCE", "ADDED (UTC)", "REASON"]]
            for entry in entries { rows.append([entry.address, entry.source, entry.createdAt, entry.reason ?? ""]) }
            print(PlanTable.table(rows), terminator: "")
            print("\n\(entries.count) address(es)")
        }
    }
}
