import ArgumentParser
import CrierCore
import Foundation

/// Options every command that reads the config repository takes.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path to crier.yaml (default: ./crier.yaml).", valueName: "PATH"))
    var config: String?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log lines on stderr as text (default) or json, one object per line; overrides log_format in crier.yaml.", valueName: "FORMAT"))
    var logFormat: LogFormat?

    func validate() throws {
        if let logFormat { LogOutput.choose(commandLine: logFormat) }
    }
}

extension LogFormat: ExpressibleByArgument {}

/// `--at T` and `--schedule ID` for the commands that evaluate schedules.
struct EvaluationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Evaluate at this instant instead of now (ISO 8601 with offset, e.g. 2026-11-23T17:00:00+13:00). Replaces the clock for everything the command does and records.", valueName: "T"))
    var at: String?

    @Option(name: .customLong("schedule"), help: ArgumentHelp("Only this schedule (repeatable).", valueName: "ID"))
    var schedules: [String] = []

    /// The injected clock: fixed at `--at`, or the system's.
    func clock() throws -> any Clock {
        guard let at else { return SystemClock() }
        return FixedClock(try Self.instant(at))
    }

    /// The instant `--at` names; exits 64 (saying how to write it) when it is not ISO 8601 with an offset.
    static func instant(_ at: String) throws -> Date {
        guard let instant = Timestamp.parseISO(at) else {
            printError("error: --at \"\(at)\" is not an ISO 8601 time with an offset. Write it like 2026-11-23T17:00:00+13:00 or 2026-11-23T04:00:00Z")
            throw Exit.usage
        }
        return instant
    }

    /// The selected schedule ids, checked against the repository (exit 64 for unknown ones).
    func selection(in repository: ConfigRepository) throws -> Set<String>? {
        guard !schedules.isEmpty else { return nil }
        let known = repository.schedules.map(\.id) + repository.invalidSchedules
        for id in schedules where !known.contains(id) {
            printError("error: no schedule \"\(id)\". \(Suggestion.hint(for: id, in: known.sorted()))")
            throw Exit.usage
        }
        return Set(schedules)
    }
}
