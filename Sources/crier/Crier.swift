import ArgumentParser
import CrierCore
import Foundation
import CrierCore
import Logging

/// crier: a single-shot batch notification scheduler, started by cron or a systemd timer.
@main
struct Crier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crier",
        abstract: "Evaluate notification schedules against a SQLite snapshot, plan, and deliver exactly once.",
        discussion: """
            Exit codes: 0 all done; 1 some deliveries failed; 64 usage error; 65 invalid config, template, \
            query or snapshot; 75 temporary (another run holds the ledger, or transient failures left for the next run).
            """,
        subcommands: [Failures.self, RetryCommand.self, Validate.self, PlanCommand.self, Run.self, Execute.self, History.self, Send.self, OptOut.self, Inbound.self, Sample.self, ForecastCommand.self, Doctor.self, SchemaCommand.self])

    static func main() {
        LoggingSystem.bootstrap { label in RedactingLogHandler(LogOutput.handler(label: label)) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            // ArgumentParser's own errors: help (0) or usage (64, EX_USAGE).
            self.exit(withError: error)
        }
    }
}

/// The exit codes of SPEC §2 (the sysexits family).
enum Exit {
    static let ok = ExitCode(0)
    static let deliveriesFailed = ExitCode(1)
    static let usage = ExitCode(64)
    static let invalid = ExitCode(65)
    static let temporary = ExitCode(75)

    /// The code of a run's `report`: 65 when planning (or loading, `invalid`) found errors,
    /// 1 when deliveries failed or are uncertain, 75 when some wait for the next run.
    static func of(_ report: RunReport, invalid: Bool) -> ExitCode {
        combine(invalid: invalid || report.hasErrors || report.summary.hasConfigurationFault, failed: report.summary.failed > 0 || report.summary.uncertain > 0,
                temporary: report.summary.leftForRetry > 0)
    }

    /// The first that applies in the order 65, 1, 75.
    static func combine(invalid: Bool, failed: Bool, temporary: Bool) -> ExitCode {
        if invalid { return Exit.invalid }
        if failed { return Exit.deliveriesFailed }
        if temporary { return Exit.temporary }
        return Exit.ok
    }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
