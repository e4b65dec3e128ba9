import ArgumentParser
import CrierCore
import Foundation

/// `crier inbound FILE.csv`: applies inbound SMS replies (STOP, START ...) to the suppression list.
struct Inbound: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply inbound SMS replies (CSV: from,body,received_at): STOP and friends opt out, START and UNSTOP opt back in.",
        discussion: """
            Per sender the latest keyword reply by received_at wins. Other messages are listed for a person to read. \
            Importing the same file again changes nothing. Bad rows are reported as FILE:LINE and skipped.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Argument(help: ArgumentHelp("The CSV file of replies.", valueName: "FILE.csv"))
    var file: String

    func run() throws {
        let workspace = try Workspace.load(configPath: configOptions.config, printDiagnostics: false)
        let config = workspace.repository.config
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("\(file): error: cannot read the file. Check the path")
            throw Exit.usage
        }
        let text: String
        switch UTF8Text.decode(Array(data), path: file) {
        case .success(let decoded): text = decoded
        case .failure(let problem):
            // Nothing is imported: a reply read with U+FFFD could miss a STOP.
            printError(problem.description)
            throw Exit.invalid
        }
        let inbound: InboundFile
        do {
            inbound = try InboundFile.read(path: file, text: text, region: config.sms.defaultRegion)
        } catch {
            printError(error.description)
            throw Exit.invalid
        }
        for problem in inbound.problems { printError(problem.description) }
        let ledger = try workspace.ledger { try $0.openForWriting() }
        let result = try ledger.importInbound(inbound.replies, at: SystemClock().now)
        for sender in result.optedOut { print("opted out: \(sender)") }
        for sender in result.optedIn { print("opted back in: \(sender)") }
        for unknown in result.unknown {
            let shown = unknown.body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
                .replacingOccurrences(of: "\r", with: "\\r")
            print("\(file):\(unknown.line): not a keyword, for a person to read: \(unknown.from): \"\(shown)\"")
        }
        print("\(result.newReplies) new reply(ies), \(result.knownReplies) already imported, \(result.optedOut.count) opted out, "
              + "\(result.optedIn.count) opted back in, \(result.unknown.count) not a keyword, \(inbound.problems.count) bad row(s)")
        if !inbound.problems.isEmpty { throw Exit.invalid }
    }
}
