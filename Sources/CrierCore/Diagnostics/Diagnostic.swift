/// One problem found in the user's input, worded for the person who has to fix it.
package struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// How bad it is: errors stop the thing they are about, warnings do not.
    package enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Error or warning.
    package var severity: Severity
    /// Where the problem is, when a place is known.
    package var location: FileLocation?
    /// What is wrong, quoting the bad value.
    package var message: String
    /// What to do about it.
    package var hint: String?
    /// The offending source line, shown under the message with a caret.
    package var sourceLine: String?

    /// A diagnostic; `hint` says what to do, `sourceLine` is shown with a caret at the column.
    package init(
        _ severity: Severity, _ message: String, at location: FileLocation? = nil,
        hint: String? = nil, sourceLine: String? = nil
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.hint = hint
        self.sourceLine = sourceLine
    }

    /// An error.
    package static func error(
        _ message: String, at location: FileLocation? = nil, hint: String? = nil, sourceLine: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, message, at: location, hint: hint, sourceLine: sourceLine)
    }

    /// A warning.
    package static func warning(
        _ message: String, at location: FileLocation? = nil, hint: String? = nil, sourceLine: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, message, at: location, hint: hint, sourceLine: sourceLine)
    }

    /// `FILE:LINE:COL: error: message. hint`, then the source line and a caret when known;
    /// secrets masked by `Redaction`, so that a refused password never reaches a log.
    package var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(Redaction.redact(message))"
        if let hint, !hint.isEmpty {
            if !(text.hasSuffix(".") || text.hasSuffix("?") || text.hasSuffix(":")) { text += "." }
            text += " \(Redaction.redact(hint))"
        }
        if let sourceLine, let location, location.line > 0 {
            let (shown, column) = Redaction.redact(line: sourceLine, column: location.column)
            text += "\n    \(shown)"
            if column > 0 {
                let prefix = shown.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }
                text += "\n    " + prefix.joined() + "^"
            }
        }
        return text
    }
}
