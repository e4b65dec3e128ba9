/// Where a ledger lives (a SQLite file; a PostgreSQL schema), opened the way each command
/// needs it. The only way commands reach a ledger.
package protocol LedgerStorage {
    /// The ledger's name in messages: a path, or a URL without its password.
    var location: String { get }
    /// Opens the ledger to read it (`plan`, `validate`, `history`, `failures`): never creates,
    /// locks or migrates it. nil when there is no ledger yet. Throws `LedgerError.olderSchema`
    /// or `.newerSchema` when its schema is not this crier's.
    func openForReading() throws -> (any LedgerReader)?
    /// Takes the run lock without waiting (`LedgerError.locked` when another run holds it),
    /// then opens the ledger, creating or migrating it under the lock. The ledger holds the
    /// lock for as long as it lives.
    func openForRun() throws -> any Ledger
    /// Opens the ledger to change the suppression list (`optout`, `inbound`), creating or
    /// migrating it first when needed (under the run lock: `.locked` when a run holds it then).
    func openForWriting() throws -> any Ledger
}

/// Why a ledger cannot be used; `LedgerError+Diagnostic` words it.
package enum LedgerError: Error, Equatable {
    /// Another run holds the run lock (who it is, when known: "pid 123", or host and pid).
    case locked(location: String, holder: String?)
    /// The ledger's schema is older than this crier's; reading commands do not migrate.
    case olderSchema(location: String)
    /// The ledger was written by a newer crier.
    case newerSchema(location: String)
    /// The ledger cannot be opened (the system's reason).
    case cannotOpen(location: String, reason: String)
    /// The ledger, or `file` beside it (a `-wal` / `-shm` sidecar, its folder), is read-only
    /// for this user: a run could record nothing.
    case readOnly(location: String, file: String)
}
