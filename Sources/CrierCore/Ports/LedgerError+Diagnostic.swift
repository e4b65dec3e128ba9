extension LedgerError {
    /// The error as users read it: the ledger, what is wrong, what to do.
    package var diagnostic: Diagnostic {
        switch self {
        case .locked(let location, let holder):
            return .error("another crier run\(holder.map { " (\($0))" } ?? "") holds the ledger",
                          at: FileLocation(file: location),
                          hint: "This run does nothing and exits 75 so that the next timer tick tries again")
        case .olderSchema(let location):
            return .error("the ledger was written by an older crier and needs migrating; this command only reads it",
                          at: FileLocation(file: location), hint: "Run `crier run` to migrate it (under the run lock), then try again")
        case .newerSchema(let location):
            return .error("this ledger was written by a newer crier, which this one cannot read safely",
                          at: FileLocation(file: location), hint: "Run the newer crier (or restore a backup of the ledger made by this version)")
        case .readOnly(let location, let file):
            let what = file == location ? "the ledger is" : file.hasSuffix("-wal") || file.hasSuffix("-shm") ? "the ledger's SQLite sidecar file is" : "the ledger's folder is"
            return .error("\(what) read-only for this user, so the run records and sends nothing", at: FileLocation(file: file),
                          hint: "Make it writable (chmod u+w \(file), or run crier as its owner), then run again")
        case .cannotOpen(let location, let reason):
            return .error("cannot open the ledger: \(reason)", at: FileLocation(file: location),
                          hint: "Check that the path in crier.yaml `ledger:` exists and is readable and writable by this user")
        }
    }

    /// Whether the next timer tick may succeed without anyone doing anything (exit 75).
    package var isTemporary: Bool {
        if case .locked = self { return true }
        return false
    }
}
