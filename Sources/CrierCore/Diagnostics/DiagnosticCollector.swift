/// Collects every problem found so that all of them are reported at once.
package struct DiagnosticCollector: Sendable {
    /// Everything collected so far, in the order found.
    package private(set) var diagnostics: [Diagnostic] = []

    /// An empty collector.
    package init() {}

    /// Records `diagnostic`.
    package mutating func add(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Records all of `more`.
    package mutating func add(contentsOf more: [Diagnostic]) {
        diagnostics.append(contentsOf: more)
    }

    /// Records an error.
    package mutating func error(_ message: String, at location: FileLocation? = nil, hint: String? = nil) {
        add(.error(message, at: location, hint: hint))
    }

    /// Records a warning.
    package mutating func warning(_ message: String, at location: FileLocation? = nil, hint: String? = nil) {
        add(.warning(message, at: location, hint: hint))
    }

    /// Whether any error (not warning) was recorded.
    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Errors raised when nothing more can be done with an input; the diagnostics say why.
package struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    /// The problems, at least one an error.
    package var diagnostics: [Diagnostic]

    /// Wraps `diagnostics`.
    package init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// Wraps one diagnostic.
    package init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    /// Every diagnostic on its own line.
    package var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
