import CrierCore
import Foundation

/// Why a secret could not be read at delivery time. The text names where it was looked for,
/// never its value.
package struct SecretProblem: Error, Sendable, Equatable {
    /// What went wrong and what to do.
    package var message: String

    /// Reads the secret from `source` (an environment variable, or a file whose trailing
    /// newline is dropped); `owner` names the config section in the error.
    package static func read(_ source: SecretSource, environment: [String: String], owner: String) -> Result<String?, SecretProblem> {
        switch source {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                return .failure(SecretProblem(message: "\(owner): the password variable \(name) is not set in the environment of crier"))
            }
            return .success(value)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                return .failure(SecretProblem(message: "\(owner): cannot read the password file \(path)"))
            }
            var value = String(decoding: data, as: UTF8.self)
            while value.hasSuffix("\n") || value.hasSuffix("\r") { value.removeLast() }
            return .success(value)
        }
    }
}

extension SecretProblem {
    /// Why credentials must not go to `url` (`validate` refuses the same config; this is the
    /// transport's own guard): a password in the URL's user-info, or credentials over clear
    /// text (`plainText`) to a host that is not this machine. Nil when they may go.
    package static func refusal(url: String, credentials: Bool, plainText: Bool, owner: String) -> SecretProblem? {
        guard let parsed = URLSetting(url) else { return nil }
        if parsed.hasPassword {
            return SecretProblem(message: "\(owner): the url holds a password in its user-info; not used. Remove it and set password_env or password_file")
        }
        if credentials, plainText, !parsed.isLoopback {
            return SecretProblem(message: "\(owner): refusing to send credentials in clear text to \(parsed.host); use TLS (see `crier validate`)")
        }
        return nil
    }
}
