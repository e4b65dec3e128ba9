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
