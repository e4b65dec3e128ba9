import CrierCore
import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line to standard error:
/// `{"ts","level","logger","message", then the metadata: "run","schedule","item",...}`.
/// Log calls carry ids, states and error texts (which never hold secrets), never message bodies.
struct JSONLogHandler: LogHandler {
    /// The logger's label, e.g. `crier.delivery`.
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    /// Where the lines go.
    private let write: @Sendable (String) -> Void

    /// A handler writing to `write` (standard error by default).
    init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var pairs: [(String, JSONValue)] = [
            ("ts", .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date()))),
            ("level", .string(event.level.rawValue)),
            ("logger", .string(label)),
            ("message", .string(event.message.description)),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() where !["ts", "level", "logger", "message"].contains(key) {
            pairs.append((key, Self.json(merged[key]!)))
        }
        write(JSONValue.object(pairs).compact() + "\n")
    }

    /// A metadata value as JSON: strings stay strings, lists and dictionaries nest.
    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible): return .string(convertible.description)
        case .array(let values): return .array(values.map(json))
        case .dictionary(let entries): return .object(entries.keys.sorted().map { ($0, json(entries[$0]!)) })
        }
    }

    /// Writes `line` to standard error in one call, so concurrent lines do not interleave.
    @Sendable static func standardError(_ line: String) {
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// Which log format the process uses: chosen once the command line and crier.yaml are read
/// (the logging system is set up before either), read when a logger is made.
enum LogOutput {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var chosen: LogFormat = .text
    nonisolated(unsafe) private static var fromCommandLine = false

    /// The format in use.
    static var format: LogFormat {
        lock.lock()
        defer { lock.unlock() }
        return chosen
    }

    /// `--log-format`: wins over crier.yaml.
    static func choose(commandLine format: LogFormat) {
        lock.lock()
        defer { lock.unlock() }
        chosen = format
        fromCommandLine = true
    }

    /// crier.yaml's `log_format`, unless the command line chose.
    static func choose(config format: LogFormat) {
        lock.lock()
        defer { lock.unlock() }
        if !fromCommandLine { chosen = format }
    }

    /// A handler for `label` in the chosen format. The level is CRIER_LOG_LEVEL, else
    /// `warning` for text (people read it) and `info` for JSON (a collector reads it).
    static func handler(label: String) -> any LogHandler {
        let format = self.format
        let level = ProcessInfo.processInfo.environment["CRIER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? (format == .json ? .info : .warning)
        switch format {
        case .json:
            return JSONLogHandler(label: label, level: level)
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
