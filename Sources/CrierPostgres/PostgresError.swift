/// What went wrong with the PostgreSQL ledger. The text names the server (hosts, database,
/// schema) and what to do; it never holds a password or the connection's user-info.
package enum PostgresError: Error, Equatable, CustomStringConvertible {
    /// The connection failed (server down, refused, authentication, TLS).
    case cannotConnect(server: String, message: String)
    /// A statement failed; `sqlState` is PostgreSQL's five-character code.
    case query(server: String, sqlState: String?, message: String)
    /// The connection broke mid-run (network, server restart, or the server ended the session).
    case connectionLost(server: String, message: String)
    /// Another run holds the run lock.
    case held(server: String, holder: String?)
    /// The ledger's schema is newer than this crier knows.
    case newerSchema(server: String, migration: String)

    /// A message for people.
    package var description: String {
        switch self {
        case .cannotConnect(let server, let message):
            return "\(server): error: cannot connect to the PostgreSQL ledger: \(message). "
                + "Check `ledger:` in crier.yaml, that the server runs and accepts this host, and the password "
                + "(ledger_options: password_env, PGPASSWORD or ~/.pgpass)"
        case .query(let server, let state, let message):
            return "\(server): error: the PostgreSQL ledger refused a statement\(state.map { " (SQLSTATE \($0))" } ?? ""): \(message)"
        case .connectionLost(let server, let message):
            return "\(server): error: the connection to the PostgreSQL ledger was lost: \(message). "
                + "Items this run was sending are reported uncertain by the next run; nothing is re-sent blindly"
        case .held(let server, let holder):
            return "another crier run\(holder.map { " (\($0))" } ?? "") holds the ledger (\(server)); "
                + "this run does nothing and exits 75 so that the next timer tick tries again"
        case .newerSchema(let server, let migration):
            return "\(server): error: the ledger has migration \"\(migration)\", which this crier does not know: "
                + "a newer crier wrote it. Upgrade crier on this host"
        }
    }

    /// What went wrong, without the server's name (for `LedgerError.cannotOpen`).
    package var reason: String {
        switch self {
        case .cannotConnect(_, let message): return message
        case .query(_, let state, let message): return message + (state.map { " (SQLSTATE \($0))" } ?? "")
        case .connectionLost(_, let message): return "the connection was lost: \(message)"
        case .held(_, let holder): return "another crier run\(holder.map { " (\($0))" } ?? "") holds it"
        case .newerSchema(_, let migration): return "it has migration \"\(migration)\", which this crier does not know"
        }
    }
}
