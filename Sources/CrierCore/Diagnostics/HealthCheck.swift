import Foundation

/// One line of `crier doctor`: what was checked, how it went, and what to do when it failed.
/// The texts name settings, files and servers, never a secret's value.
package struct HealthCheck: Sendable, Equatable {
    /// How a check went.
    package enum Status: String, Sendable {
        /// It works.
        case ok
        /// It works, but something deserves attention.
        case warn
        /// It does not work: `doctor` exits 1.
        case fail
        /// Not tried, because an earlier check failed or the setting is not used.
        case skip
    }

    /// What was checked, e.g. `smtp certificate`.
    package var name: String
    /// How it went.
    package var status: Status
    /// What was found.
    package var detail: String
    /// What to do, when it failed or warns.
    package var fix: String?

    /// A check result.
    package init(_ name: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    /// `FAIL  smtp certificate   DETAIL. Fix: FIX`: one line, status and name in columns,
    /// masked by `Redaction` (a server's reply or a URL may carry a secret).
    package var line: String {
        let label = status == .fail ? "FAIL" : status.rawValue
        var text = label.padding(toLength: 6, withPad: " ", startingAt: 0) + name.padding(toLength: max(22, name.count + 2), withPad: " ", startingAt: 0) + detail
        if let fix, status == .fail || status == .warn { text += ". Fix: " + fix }
        return Redaction.redact(text)
    }
}
