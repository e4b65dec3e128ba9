import CrierCore
import Foundation

/// The run ledger in a PostgreSQL database that several hosts share. One connection per
/// process: it holds the run lock (a session advisory lock) and makes every write, so a host
/// that loses its connection loses its lock and can write nothing more. Every guarantee of the
/// SQLite ledger holds across hosts: a slot is claimed by a unique row in the transaction that
/// records its plan, an item is claimed by a conditional UPDATE and settled only while this run
/// still holds it, change-trigger state moves only from the generation its plan read.
package final class PostgresLedger: @unchecked Sendable {
    /// Where the ledger is.
    package let settings: PostgresLedgerSettings
    let connection: PostgresConnection
    /// Serialises the connection: the delivery workers share it.
    let mutex = NSRecursiveLock()
    /// `max_per_day`, checked again inside each claim's transaction (nil: no cap).
    package var claimCap: ClaimCap?

    /// The libpq settings crier adds under the connection's own: short TCP keepalives and a
    /// user timeout, so that a dead or partitioned host notices within seconds.
    static let clientDefaults = [
        ("connect_timeout", "10"), ("keepalives", "1"), ("keepalives_idle", "2"),
        ("keepalives_interval", "2"), ("keepalives_count", "3"), ("tcp_user_timeout", "10000"),
    ]

    /// Connects; with `migrate`, creates or migrates the schema in one transaction under
    /// `pg_advisory_xact_lock`. `password` overrides libpq's own sources; `command` names this
    /// process to other hosts (pg_stat_activity's application_name).
    package init(settings: PostgresLedgerSettings, password: String?, command: String, migrate: Bool = true) throws {
        self.settings = settings
        let host = ProcessInfo.processInfo.hostName
        let name = String("crier \(command) on \(host) pid \(getpid())".prefix(63))
        connection = try PostgresConnection(connection: settings.connection,
                                            defaults: Self.clientDefaults + [("application_name", name)],
                                            password: password, server: settings.displayName)
        // The server side: notice a vanished client within seconds, even mid-statement, and
        // release its locks.
        try connection.execute("""
            SELECT set_config('search_path', $1, false), set_config('client_min_messages', 'warning', false),
                   set_config('client_connection_check_interval', '2s', false),
                   set_config('tcp_keepalives_idle', '2', false), set_config('tcp_keepalives_interval', '1', false),
                   set_config('tcp_keepalives_count', '3', false), set_config('tcp_user_timeout', '5000', false)
            """, [try connection.quotedIdentifier(settings.schema)])
        if migrate { try self.migrate() }
    }

    /// Runs `body` with the connection to itself.
    @discardableResult
    func locked<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(connection)
    }

    // MARK: The run lock

    /// The advisory-lock namespaces (the first key of the two-key form): one per purpose.
    enum LockSpace: Int32 {
        /// The run lock.
        case run = 0x6372_6901
        /// Migrations.
        case migrate = 0x6372_6902
        /// The daily cap's count.
        case dailyCap = 0x6372_6903
    }

    /// Takes the run lock: a session advisory lock, released by the server when this session
    /// ends (exit, crash, or a connection the server finds dead). Tries for half a second (a
    /// holder that just exited may not have been reaped yet), then throws `.held` naming the
    /// holder.
    package func lockRuns() throws {
        try locked { connection in
            for attempt in 0..<5 {
                let taken = try connection.execute("SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken",
                                                   ["\(LockSpace.run.rawValue)", settings.schema])
                if taken.first?["taken"] == "t" { return }
                if attempt < 4 { Thread.sleep(forTimeInterval: 0.1) }
            }
            let holder = try connection.execute("""
                SELECT a.application_name, host(a.client_addr) AS address FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = hashtext($2)::oid AND l.objsubid = 2
                """, ["\(LockSpace.run.rawValue)", settings.schema]).first
            let name = holder?["application_name"].flatMap { $0.isEmpty ? nil : $0 }
            let address = holder?["address"].map { "from \($0)" }
            let description = [name, address].compactMap { $0 }.joined(separator: ", ")
            throw PostgresError.held(server: settings.displayName, holder: description.isEmpty ? nil : description)
        }
    }

    /// Whether the connection (and so the run lock) is still up as far as libpq knows.
    package var isConnected: Bool { (try? locked { $0.isOpen }) ?? false }
}

/// `max_per_day` as the claim transaction checks it.
package struct ClaimCap: Sendable, Equatable {
    /// The most items of `channels` sent per day.
    package var limit: Int
    /// The channels it counts (those delivered over SMTP).
    package var channels: Set<Channel>
    /// The start of today in the config's zone.
    package var since: Date

    /// A cap of `limit` on `channels` for the day starting at `since`.
    package init(limit: Int, channels: Set<Channel>, since: Date) {
        self.limit = limit
        self.channels = channels
        self.since = since
    }
}
