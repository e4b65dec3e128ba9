import CrierCore
import CrierPostgres
import CrierSQLite
import Foundation

/// The config repository on disk: finds crier.yaml, reads every schedule and template, and
/// loads them into the core. The only place commands read config files.
struct Workspace {
    /// The loaded repository.
    let repository: ConfigRepository
    /// Every problem found while loading.
    let diagnostics: [Diagnostic]

    /// crier.yaml, as given.
    var configFile = "crier.yaml"

    /// Whether any error (not warning) was found.
    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Exits 65 when crier.yaml itself has errors (already printed): a command that records or
    /// delivers must not act on settings it cannot trust (SPEC §5). A broken schedule or
    /// template stops only itself.
    func refuseInvalidConfig() throws {
        guard diagnostics.contains(where: { $0.severity == .error && $0.location?.file == configFile }) else { return }
        printError("\(configFile): error: crier.yaml has errors (above): nothing was recorded or sent. Fix them; `crier validate` checks")
        throw Exit.invalid
    }

    /// Loads the repository of `configPath` (or ./crier.yaml), printing every diagnostic to
    /// stderr (with `printDiagnostics: false`, only when crier.yaml itself cannot be used, to
    /// say why). Exits 65 when crier.yaml itself cannot be used.
    static func load(configPath: String?, printDiagnostics: Bool = true) throws -> Workspace {
        let path = configPath ?? "crier.yaml"
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            let inside = (path as NSString).appendingPathComponent("crier.yaml")
            printError("\(path): error: --config names a folder, not a file. Pass the file: --config \(inside)")
            throw Exit.invalid
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            printError(exists ? "\(path): error: cannot read crier.yaml. Check its permissions"
                              : "\(path): error: no crier.yaml here. Run crier in a config repository, or pass --config PATH/crier.yaml")
            throw Exit.invalid
        }
        let text: String
        switch UTF8Text.decode(Array(data), path: path) {
        case .success(let decoded): text = decoded
        case .failure(let problem):
            printError(problem.description)
            throw Exit.invalid
        }
        let directory = (path as NSString).deletingLastPathComponent
        let shown = { (relative: String) in directory.isEmpty ? relative : "\(directory)/\(relative)" }
        var problems: [String: Diagnostic] = [:]
        var files = ConfigFiles(
            configPath: path, directory: directory, configText: text,
            schedules: readFolder(shown("schedules"), shownAs: shown("schedules"), problems: &problems) { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") },
            templates: readFolder(shown("templates"), shownAs: shown("templates"), problems: &problems) { !$0.hasPrefix(".") })
        files.encodingProblems = problems
        var collector = DiagnosticCollector()
        let repository = ConfigRepository.load(files, into: &collector)
        // Without a repository the command stops here: say why even when asked to stay quiet.
        if printDiagnostics || repository == nil {
            for diagnostic in collector.diagnostics { printError(diagnostic.description) }
        }
        guard let repository else { throw Exit.invalid }
        LogOutput.choose(config: repository.config.logFormat)
        return Workspace(repository: repository, diagnostics: collector.diagnostics, configFile: path)
    }

    /// The files of `folder` whose names pass `include`, as (shown path, text), sorted; a file
    /// that is not UTF-8 gets its problem in `problems` (and lossy text).
    private static func readFolder(_ folder: String, shownAs shown: String, problems: inout [String: Diagnostic],
                                   include: (String) -> Bool) -> [(path: String, text: String)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return [] }
        return names.filter(include).sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)") else { return nil }
            let path = "\(shown)/\(name)"
            if case .failure(let problem) = UTF8Text.decode(Array(data), path: path) { problems[path] = problem }
            return (path, String(decoding: data, as: UTF8.self))
        }
    }

    /// The ledger crier.yaml names (`ledger:`), for the command being run; `clock` starts the
    /// day a PostgreSQL ledger counts `max_per_day` in.
    func ledgerStorage(clock: any Clock = SystemClock()) throws -> any LedgerStorage {
        try LedgerFactory.storage(config: repository.config, command: CommandLine.arguments.dropFirst().first ?? "crier", now: clock.now)
    }

    /// The ledger, opened by `open`; a ledger that cannot be used is reported (as a diagnostic)
    /// and exits 75 when the next timer tick may succeed (another run holds it, a server is
    /// down), 65 otherwise.
    func ledger<Opened>(clock: any Clock = SystemClock(), _ open: (any LedgerStorage) throws -> Opened) throws -> Opened {
        try reportingLedgerErrors { try open(try ledgerStorage(clock: clock)) }
    }

    /// Runs `body`, which reads or writes the ledger; a ledger error is reported as its
    /// diagnostic and exits 75 when the next timer tick may succeed, 65 otherwise.
    func reportingLedgerErrors<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch let error as LedgerError {
            printError(error.diagnostic.description)
            throw error.isTemporary ? Exit.temporary : Exit.invalid
        } catch let error as PostgresError {
            throw LedgerFactory.exit(for: error)
        }
    }

    /// Opens the snapshot, or prints why not and exits 65.
    func openSnapshot() throws -> SnapshotReader {
        do throws(SnapshotError) {
            return try SnapshotReader(path: repository.config.snapshotPath)
        } catch {
            printError(error.diagnostic.description)
            throw Exit.invalid
        }
    }

    /// SHA-256 of the snapshot file's bytes (remembered in `snapshot.sha256` while the file stays
    /// as it was: beside the SQLite ledger, or in the config folder's `state/` beside a
    /// PostgreSQL one), or prints why not and exits 65.
    func snapshotSHA256() throws -> String {
        let config = repository.config
        let folder = switch config.ledger {
        case .sqlite(let path): (path as NSString).deletingLastPathComponent
        case .postgresql: Config.resolve("state", against: config.directory)
        }
        let cache = SnapshotHashCache(path: (folder as NSString).appendingPathComponent("snapshot.sha256"))
        do throws(SnapshotError) {
            return try cache.sha256(of: repository.config.snapshotPath)
        } catch {
            printError(error.diagnostic.description)
            throw Exit.invalid
        }
    }
}
