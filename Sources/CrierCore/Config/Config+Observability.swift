extension Config {
    /// Reads `metrics:` from crier.yaml's top level.
    mutating func loadObservability(_ top: YAMLMapping, into diagnostics: inout DiagnosticCollector) {
        guard let metrics = top.mapping("metrics", in: "crier.yaml", into: &diagnostics) else { return }
        metrics.rejectUnknownKeys(allowed: ["textfile"], in: "metrics", into: &diagnostics)
        if let path = metrics.string("textfile", required: true, in: "metrics", into: &diagnostics) {
            metricsTextfile = Config.resolve(path, against: directory)
        }
    }
}
