import CrierCore
import Foundation

/// What `validate` says about the secrets the config points at, before a run needs them: a
/// `password_env` variable unset or empty, a `password_file` missing, unreadable or open to
/// group or others (ssh refuses keys like that). Warnings placed at the setting; values never read out.
package enum SecretCheck {
    /// The warnings for the transports the config uses; `environment` is where `password_env`
    /// is looked up.
    package static func warnings(config: Config, environment: [String: String]) -> [Diagnostic] {
        var sources: [(owner: String, source: SecretSource, place: SettingPlace?)] = []
        if !config.smtpChannels.isEmpty, let smtp = config.email.smtp, let source = smtp.password {
            sources.append(("email.smtp", source, smtp.passwordSetting))
        }
        if config.sms.transport == .http, let http = config.sms.http, let source = http.password {
            sources.append(("sms.http", source, http.passwordSetting))
        }
        return sources.compactMap { entry in
            guard let problem = problem(entry.source, environment: environment, owner: entry.owner) else { return nil }
            return entry.place?.warning(problem.message, hint: problem.hint) ?? .warning(problem.message, hint: problem.hint)
        }
    }

    /// What is wrong with `source` now, if anything.
    static func problem(_ source: SecretSource, environment: [String: String], owner: String) -> (message: String, hint: String)? {
        let waits = "until then \(owner) delivers nothing and its messages wait in the ledger"
        switch source {
        case .environment(let name):
            guard let value = environment[name] else {
                return ("\(owner): password_env names \(name), which is not set in this environment",
                        "Set it where crier runs (the cron line, or Environment=/EnvironmentFile= of the systemd unit); \(waits)")
            }
            guard !value.isEmpty else {
                return ("\(owner): password_env names \(name), which is set but empty",
                        "Give it the password where crier runs; \(waits)")
            }
            return nil
        case .file(let path):
            let manager = FileManager.default
            guard manager.fileExists(atPath: path) else {
                return ("\(owner): password_file \(path) does not exist",
                        "Write the password into it on one line and run chmod 600 \(path); \(waits)")
            }
            guard manager.isReadableFile(atPath: path) else {
                return ("\(owner): password_file \(path) cannot be read by this user",
                        "Make it readable by the user crier runs as (and nobody else: chmod 600 \(path)); \(waits)")
            }
            if let mode = (try? manager.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                return ("\(owner): password_file \(path) is open to group or others (mode \(String(mode & 0o777, radix: 8)))",
                        "Run chmod 600 \(path), so that only the user crier runs as can read it (ssh demands the same of private keys)")
            }
            return nil
        }
    }
}
