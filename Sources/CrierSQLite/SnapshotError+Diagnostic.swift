import CrierCore

extension SnapshotError: CustomStringConvertible {
    /// The error as users read it: the file, what is wrong, what to do.
    package var diagnostic: Diagnostic {
        switch self {
        case .missing(let path):
            return .error("the snapshot does not exist", at: FileLocation(file: path),
                          hint: "Point `snapshot:` in crier.yaml at the SQLite copy of the business database (or make a sample with `crier sample`)")
        case .unreadable(let path, let reason):
            return .error("the snapshot cannot be read as SQLite (\(reason))", at: FileLocation(file: path),
                          hint: "Replace it with a complete copy of the database")
        case .cannotRead(let path, let reason):
            return .error("cannot read the snapshot: \(reason)", at: FileLocation(file: path),
                          hint: "Make it readable by the user that runs crier")
        }
    }

    /// The diagnostic's text.
    package var description: String { diagnostic.description }
}
