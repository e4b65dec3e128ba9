import ArgumentParser
import CrierCore
import CrierDelivery
import CrierSQLite
import Foundation

/// `crier doctor`: checks what a run needs (config, snapshot, ledger, secrets, each transport's
/// server) and prints one line per check with the fix; exits 0 when nothing failed, else 1.
/// Nothing is recorded; `--send-test` sends one real message outside the ledger.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check config, snapshot, ledger, secrets and each transport's server; one line per check with the fix.",
        discussion: """
            Exit status 0 when no check failed, 1 otherwise (warnings do not fail). Nothing is written to the \
            ledger; --send-test sends one real message through the configured transport and does not record it.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .customLong("send-test"), help: ArgumentHelp("Also send one test message to this email address or phone number.", valueName: "ADDR"))
    var sendTest: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each server.", valueName: "SECONDS"))
    var timeout: Double = 10

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        var failed = false
        func report(_ checks: [HealthCheck]) {
            for check in checks {
                print(check.line)
                failed = failed || check.status == .fail
            }
            fflush(nil)
        }
        guard let workspace = loadConfig(report: report) else { throw Exit.deliveriesFailed }
        let config = workspace.repository.config
        report([Self.snapshot(config)])
        report([LedgerProbe.check(path: config.ledgerPath)])
        let timeouts = TransportTimeouts(connect: timeout, total: timeout)
        let usesSMTP = config.email.transport == .smtp
        if let smtp = config.email.smtp, usesSMTP {
            report(SMTPProbe(settings: smtp, timeouts: timeouts).run())
        }
        if config.email.transport == .outbox || config.sms.transport == .outbox {
            report([Self.outbox(config)])
        }
        switch config.sms.transport {
        case .http:
            if let http = config.sms.http { report(HTTPGatewayProbe(settings: http, timeouts: timeouts).run()) }
        case .emailGateway:
            report([HealthCheck("sms email gateway", .ok, "SMS go as email to NUMBER@\(config.sms.emailGatewayDomain ?? "") through email.transport \(config.email.transport.rawValue)")])
        case .outbox:
            break
        }
        if let sendTest { report([try Self.send(to: sendTest, config: config)]) }
        throw failed ? Exit.deliveriesFailed : Exit.ok
    }

    /// The config line; nil (after printing it) when crier.yaml cannot be used at all.
    private func loadConfig(report: ([HealthCheck]) -> Void) -> Workspace? {
        let path = configOptions.config ?? "crier.yaml"
        let fix = "run `crier validate` to see every problem with its file and line"
        guard let workspace = try? Workspace.load(configPath: configOptions.config, printDiagnostics: false) else {
            report([HealthCheck("config", .fail, "\(path) cannot be used (the error is above)", fix: fix)])
            return nil
        }
        let errors = workspace.diagnostics.filter { $0.severity == .error }
        let warnings = workspace.diagnostics.count - errors.count
        let schedules = "\(workspace.repository.schedules.count) schedule(s) loaded"
        if let first = errors.first {
            let place = first.location.map { "\($0): " } ?? ""
            report([HealthCheck("config", .fail, "\(errors.count) error(s), \(warnings) warning(s); first: \(place)\(first.message)", fix: fix)])
        } else if warnings > 0 {
            report([HealthCheck("config", .warn, "\(path): \(schedules), \(warnings) warning(s)", fix: fix)])
        } else {
            report([HealthCheck("config", .ok, "\(path): \(schedules), no problems")])
        }
        return workspace
    }

    /// Whether the snapshot opens read-only, and how old it is.
    static func snapshot(_ config: Config) -> HealthCheck {
        let path = config.snapshotPath
        do throws(SnapshotError) {
            let tables = try SnapshotReader(path: path).tables().count
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
            let age = modified.map { " modified \(Self.age(Date().timeIntervalSince($0))) ago" } ?? ""
            return HealthCheck("snapshot", .ok, "\(path) opens read-only, \(tables) table(s),\(age)")
        } catch {
            return HealthCheck("snapshot", .fail, "\(path): \(error.diagnostic.message)",
                               fix: "point `snapshot:` in crier.yaml at the SQLite copy of the business database, readable by the user that runs crier")
        }
    }

    /// Whether the outbox folder can be written.
    static func outbox(_ config: Config) -> HealthCheck {
        if let problem = LedgerProbe.folderProblem(config.outboxPath) {
            return HealthCheck("outbox", .fail, "\(config.outboxPath) cannot be written: \(problem)",
                               fix: "make the folder writable by the user that runs crier, or point `outbox:` elsewhere")
        }
        return HealthCheck("outbox", .ok, "\(config.outboxPath) is writable")
    }

    /// `3h 5m`, `2d 4h`, `40s`.
    static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h \(s % 3600 / 60)m" }
        return "\(s / 86400)d \(s % 86400 / 3600)h"
    }
}
