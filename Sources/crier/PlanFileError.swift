import CrierCore

/// Why `execute` refuses a plan file; the wording is `diagnostic`.
enum PlanFileError: Error, Equatable {
    /// The file cannot be read.
    case unreadable(String)
    /// The file is not a crier plan: where and what (`items[2].channel: expected text`).
    case notAPlan(String, detail: String)
    /// The plan's format version is not this crier's.
    case unsupportedFormat(String, version: Int)
    /// The config's hash differs from the plan's.
    case configChanged(String)
    /// The snapshot's hash differs from the plan's.
    case snapshotChanged(String)
}

extension PlanFileError {
    /// The error as users read it: the plan file, what is wrong, what to do.
    var diagnostic: Diagnostic {
        let remake = "Make a new plan with `crier plan --format json` and review it"
        switch self {
        case .unreadable(let path):
            return .error("cannot read the plan file", at: FileLocation(file: path), hint: "Check the path and that this user may read it")
        case .notAPlan(let path, let detail):
            return .error("not a crier plan (\(detail))", at: FileLocation(file: path),
                          hint: "Write one with `crier plan --format json -o \(path)`")
        case .unsupportedFormat(let path, let version):
            return .error("unsupported plan format \(version); this crier reads version \(Plan.formatVersion)", at: FileLocation(file: path),
                          hint: remake)
        case .configChanged(let path):
            return .error("the config changed since this plan was made (config_sha256 differs)", at: FileLocation(file: path), hint: remake)
        case .snapshotChanged(let path):
            return .error("the snapshot changed since this plan was made (snapshot_sha256 differs)", at: FileLocation(file: path), hint: remake)
        }
    }

    /// Where a decoding `error` is and what it expected, without Swift's type names.
    static func detail(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue) }
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(place(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(place(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "unreadable JSON"
        }
    }
}
