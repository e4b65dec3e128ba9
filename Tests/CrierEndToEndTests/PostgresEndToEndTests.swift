import CrierPostgres
import CrierTestSupport
import Foundation
import GRDB
import Testing

/// Several hosts over one PostgreSQL ledger: the built `crier` binary, the throwaway server of
/// contrib/test-postgres.sh (CRIER_TEST_POSTGRES_URL) and the aiosmtpd sink on 127.0.0.1.
@Suite("PostgreSQL ledger, end to end", .serialized,
       .enabled(if: PostgresRepo.url != nil && ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_SKIP"] != "1"))
struct PostgresEndToEndTests {
    @Test func aRunOverPostgresSendsOnceAndASecondRunNothing() throws {
        let repo = try PostgresRepo(hosts: 2, smtp: nil, appointmentsPerDay: 4)
        // With a PostgreSQL ledger the snapshot's hash is remembered in the config folder's state/.
        try FileManager.default.createDirectory(atPath: repo.repo.root + "/state", withIntermediateDirectories: true)
        let run = try repo.repo.crier(["run", "--at", PostgresRepo.firstSlot, "--config", repo.hosts[0]])
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("sent 4, failed 0"), "\(run.out)")
        let remembered = try String(contentsOfFile: repo.repo.root + "/state/snapshot.sha256", encoding: .utf8)
        #expect(remembered.hasPrefix("crier-snapshot-sha256-v1 "), "\(remembered)")
        // The other host, at the same slot: the slot ran, nothing more goes out.
        let again = try repo.repo.crier(["run", "--at", PostgresRepo.firstSlot, "--config", repo.hosts[1]])
        #expect(again.code == 0, "\(again.err)")
        #expect(again.out.contains("already-run") && again.out.contains("sent 0,"), "\(again.out)")
        #expect(repo.outboxCount(host: 0) == 4 && repo.outboxCount(host: 1) == 0)
        #expect(try repo.states().values.sorted() == ["sent", "sent", "sent", "sent"])
    }

    @Test func aHeldLockExits75AndNamesTheOtherHost() throws {
        let repo = try PostgresRepo(hosts: 2, smtp: nil, appointmentsPerDay: 30)
        let slow = try repo.repo.start(["run", "--at", PostgresRepo.firstSlot, "--config", repo.hosts[0]],
                                       environment: ["CRIER_DELIVERY_PACE_MS": "400"])
        // Wait until the first host holds the lock and delivers.
        let deadline = Date(timeIntervalSinceNow: 30)
        while repo.outboxCount(host: 0) == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let second = try repo.repo.crier(["run", "--at", PostgresRepo.firstSlot, "--config", repo.hosts[1]])
        slow.process.waitUntilExit()
        #expect(second.code == 75, "\(second.out)\(second.err)")
        #expect(second.err.contains("another crier run (crier run on \(ProcessInfo.processInfo.hostName) pid \(slow.process.processIdentifier)"), "\(second.err)")
        #expect(second.err.contains("postgresql://") && second.err.contains("holds the ledger"), "\(second.err)")
        #expect(slow.process.terminationStatus == 0, "\(slow.errors())")
        #expect(repo.outboxCount(host: 0) == 30 && repo.outboxCount(host: 1) == 0)
    }

    /// The acceptance test of issue 13: hosts run the same timer over one ledger, at the same
    /// and at later instants, and are killed at random. No item reaches the SMTP sink twice;
    /// every item ends sent, failed, uncertain, skipped or pending, and `crier history` lists
    /// it so; uncertain items are at most kills × connections.
    @Test func killedHostsNeverDeliverAnItemTwice() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let hosts = 4, connections = 2, trials = 30
        let repo = try PostgresRepo(hosts: hosts, smtp: (server.url, connections), appointmentsPerDay: 30)
        var random = SeededRandom(seed: UInt64(ProcessInfo.processInfo.environment["CRIER_TORTURE_SEED"] ?? "") ?? 13)
        var kills = 0
        var exitCodes: [Int32: Int] = [:]
        for trial in 0..<trials {
            // Three trials per day: the day's slot, then later instants of the same day.
            let at = PostgresRepo.instant(day: trial / 3, minutes: (trial % 3) * 7)
            let started = try (0..<hosts).map { host in
                try repo.repo.start(["run", "--at", at, "--config", repo.hosts[host]],
                                    environment: ["CRIER_DELIVERY_PACE_MS": "20"])
            }
            // Mostly kill the host that holds the lock mid-delivery (the others exit 75 at once),
            // sometimes any host at any moment.
            let before = server.received().count
            let deadline = Date(timeIntervalSinceNow: 10)
            if random.next() % 4 != 0 {
                while server.received().count == before, started.contains(where: { $0.process.isRunning }), Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            Thread.sleep(forTimeInterval: Double(random.next() % 250) / 1000)
            let running = started.filter { $0.process.isRunning }
            if !running.isEmpty {
                kill(running[Int(random.next() % UInt64(running.count))].process.processIdentifier, SIGKILL)
                kills += 1
            }
            for process in started {
                process.process.waitUntilExit()
                if process.process.terminationReason == .exit { exitCodes[process.process.terminationStatus, default: 0] += 1 }
            }
        }
        // A last run, not killed, settles what the killed ones left.
        let last = try repo.repo.crier(["run", "--at", PostgresRepo.instant(day: (trials - 1) / 3, minutes: 30), "--config", repo.hosts[0]])
        #expect([0, 1].contains(last.code), "\(last.out)\(last.err)")

        let delivered = Dictionary(grouping: server.received().compactMap(PostgresRepo.itemID(of:)), by: { $0 }).mapValues(\.count)
        #expect(delivered.values.allSatisfy { $0 == 1 }, "delivered twice: \(delivered.filter { $0.value > 1 })")
        let states = try repo.states()
        #expect(Set(states.values).isSubset(of: ["sent", "failed", "uncertain", "pending", "skipped"]), "\(Set(states.values))")
        for (id, state) in states {
            switch state {
            case "sent": #expect(delivered[id] == 1, "sent but not received: \(id)")
            case "uncertain": #expect((delivered[id] ?? 0) <= 1)
            default: #expect(delivered[id] == nil, "\(state) but received: \(id)")
            }
        }
        #expect(Set(delivered.keys).isSubset(of: Set(states.keys)))
        let uncertain = states.values.filter { $0 == "uncertain" }.count
        #expect(uncertain <= kills * connections, "uncertain \(uncertain), kills \(kills)")
        #expect(states.values.filter { $0 == "sent" }.count > 100, "the trials delivered little: \(exitCodes)")
        #expect(kills >= 10, "few runs were killed mid-run: \(kills)")
        print("torture: \(trials) trials, \(kills) kills, \(states.count) items, \(delivered.count) delivered, \(uncertain) uncertain, exits \(exitCodes)")
    }
}

/// A config repository with one crier.yaml per simulated host (`crier-hN.yaml`), all over one
/// fresh schema of the test PostgreSQL, each host with its own outbox folder.
struct PostgresRepo {
    static let url = ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let firstSlot = instant(day: 0, minutes: 0)

    let repo: ConfigRepo
    let schema = "e2e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    /// The `--config` path of each host.
    let hosts: [String]

    /// `hosts` configs; email over `smtp` (url, connections) or SMS into each host's outbox (one
    /// shared outbox with `sharedOutbox`). `serverURL` gives each host's server URL.
    init(hosts count: Int, smtp: (url: String, connections: Int)?, appointmentsPerDay: Int, sharedOutbox: Bool = false,
         serverURL: (Int) -> String = { _ in PostgresRepo.url ?? "" }) throws {
        let channel = smtp == nil ? "sms" : "email"
        let schedule = ConfigRepo.reminder.replacingOccurrences(of: "channel: sms", with: "channel: \(channel)")
            .replacingOccurrences(of: "phone AS recipient", with: smtp == nil ? "phone AS recipient" : "email AS recipient")
        repo = try ConfigRepo(schedules: ["reminder.yaml": schedule], templates: [
            "reminder.sms.mustache": ConfigRepo.reminderTemplate,
            "reminder.email.mustache": "---\nsubject: \"Job {{key}}\"\n---\n" + ConfigRepo.reminderTemplate,
        ])
        var paths: [String] = []
        for host in 0..<count {
            var transport = "sms:\n  default_region: NZ\n"
            if let smtp {
                transport = "email:\n  from: \"Acme <noreply@acme.example>\"\n  transport: smtp\n  smtp:\n    url: \(smtp.url)\n    tls: none\n    connections: \(smtp.connections)\n" + transport
            } else {
                transport = "email:\n  from: \"Acme <noreply@acme.example>\"\n" + transport
            }
            let config = """
                timezone: Pacific/Auckland
                snapshot: data/snapshot.sqlite
                ledger: "\(serverURL(host))?schema=\(schema)"
                catch_up: 6h
                outbox: \(sharedOutbox ? "outbox" : "outbox-h\(host)")
                \(transport)
                """
            let path = "crier-h\(host).yaml"
            try config.write(toFile: "\(repo.root)/\(path)", atomically: true, encoding: .utf8)
            paths.append(path)
        }
        hosts = paths
        try makeSnapshot(perDay: appointmentsPerDay, days: 12)
    }

    /// `perDay` appointments on each of `days` days from 2026-11-24 (New Zealand mornings).
    func makeSnapshot(perDay: Int, days: Int) throws {
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, phone TEXT, email TEXT, name TEXT)")
            let insert = try db.makeStatement(sql: "INSERT INTO appointments VALUES (?, ?, ?, ?, ?)")
            let first = Date(timeIntervalSince1970: 1_795_460_400)  // 2026-11-23T19:00:00Z, 08:00 on the 24th in Auckland
            for day in 0..<days {
                for n in 0..<perDay {
                    let index = day * perDay + n
                    let starts = first.addingTimeInterval(Double(day * 86_400 + n * 60))
                    try insert.execute(arguments: [String(format: "J%04d", index), ISO8601DateFormatter().string(from: starts),
                                                   String(format: "021 100 %04d", index), "client\(index)@example.net", "Client \(index)"])
                }
            }
        }
        try queue.close()
    }

    /// 17:00 in Auckland on 2026-11-23 plus `day` days and `minutes`.
    static func instant(day: Int, minutes: Int) -> String {
        let base = Date(timeIntervalSince1970: 1_795_406_400)  // 2026-11-23T04:00:00Z
        return ISO8601DateFormatter().string(from: base.addingTimeInterval(Double(day * 86_400 + minutes * 60)))
    }

    /// The item id of a received message (`Message-ID: <ITEM_ID@acme.example>`).
    static func itemID(of message: SMTPTestServer.Received) -> String? {
        guard let line = message.data.split(whereSeparator: \.isNewline).first(where: { $0.lowercased().hasPrefix("message-id:") }),
              let open = line.firstIndex(of: "<"), let at = line.firstIndex(of: "@") else { return nil }
        return String(line[line.index(after: open)..<at])
    }

    /// Files in host `host`'s SMS outbox (nil: the shared one).
    func outboxCount(host: Int?) -> Int {
        let folder = host.map { "outbox-h\($0)" } ?? "outbox"
        return ((try? FileManager.default.contentsOfDirectory(atPath: "\(repo.root)/\(folder)/sms")) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    /// Every item's state, read from the ledger (on `server`, default the test server).
    func states(server: String? = nil) throws -> [String: String] {
        let connection = try PostgresConnection(connection: server ?? Self.url ?? "", defaults: [], password: nil, server: "test")
        var states: [String: String] = [:]
        try connection.forEachRow("SELECT id, state FROM \(try connection.quotedIdentifier(schema)).items") { row in
            if let id = row[0], let state = row[1] { states[id] = state }
        }
        return states
    }
}

/// A small deterministic generator (SplitMix64), so that a failing trial sequence can be replayed.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
