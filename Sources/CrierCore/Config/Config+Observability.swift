/// How crier writes its log lines (to standard error).
package enum LogFormat: String, Sendable, CaseIterable {
    /// `LEVEL label: message key=value`, for people.
    case text
    /// One JSON object per line, for log collectors.
    case json
}

extension Config {
    /// Reads `metrics:` and `log_format:` from crier.yaml's top level.
    mutating func loadObservability(_ top: YAMLMapping, into diagnostics: inout DiagnosticCollector) {
        logFormat = readChoice(top, "log_format", default: .text, into: &diagnostics)
        guard let metrics = top.mapping("metrics", in: "crier.yaml", into: &diagnostics) else { return }
        metrics.rejectUnknownKeys(allowed: ["textfile"], in: "metrics", into: &diagnostics)
        if let path = metrics.string("textfile", required: true, in: "metrics", into: &diagnostics) {
            metricsTextfile = Config.resolve(path, against: directory)
        }
    }
}
