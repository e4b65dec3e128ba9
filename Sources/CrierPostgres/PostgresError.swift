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
    /// An item was no longer `sending` under this run's claim when its outcome came (another
    /// host took it over after this one lost its connection).
    case lostClaim(server: String, item: String, outcome: String)
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
        case .lostClaim(let server, let item, let outcome):
            return "\(server): error: item \(item) is no longer claimed by this run (another run took it over after this one lost "
                + "the ledger); its outcome \"\(outcome)\" is not recorded. See `crier history` for what the other run recorded"
        case .newerSchema(let server, let migration):
            return "\(server): error: the ledger has migration \"\(migration)\", which this crier does not know: "
                + "a newer crier wrote it. Upgrade crier on this host"
        }
    }
}
