import CrierPostgres
import CrierTestSupport
import Foundation
import Testing

/// A host cut off from the PostgreSQL ledger mid-run: a network namespace joined to this one by
/// a veth pair, whose link goes down. The server must notice within seconds (TCP keepalives,
/// user timeout) and release the host's run lock, so that another host carries on. Needs root
/// and `ip` (iproute2); CI runs as root.
@Suite("PostgreSQL ledger, network partition", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip")
                && ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_SKIP"] != "1"))
struct PostgresPartitionTests {
    @Test func aPartitionedHostsLockIsReleasedWithin15SecondsAndTheOtherHostCarriesOn() throws {
        let network = try Partition()
        defer { network.remove() }
        let server = try TestServer(listen: "127.0.0.1,\(network.hostAddress)")
        defer { server.stop() }
        // Host 0 sits in the namespace and reaches the server over the veth; host 1 over loopback.
        let repo = try PostgresRepo(hosts: 2, smtp: nil, appointmentsPerDay: 60, sharedOutbox: true) { host in
            host == 0 ? server.url.replacingOccurrences(of: "127.0.0.1", with: network.hostAddress) : server.url
        }
        let at = PostgresRepo.firstSlot
        let cutOff = Process()
        cutOff.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        cutOff.arguments = ["netns", "exec", network.namespace, ConfigRepo.binary, "run", "--at", at, "--config", repo.hosts[0]]
        cutOff.currentDirectoryURL = URL(fileURLWithPath: repo.repo.root)
        cutOff.environment = ProcessInfo.processInfo.environment.merging(["CRIER_DELIVERY_PACE_MS": "250"]) { $1 }
        let errorsPath = repo.repo.root + "/cut-off.err"
        _ = FileManager.default.createFile(atPath: errorsPath, contents: nil)
        cutOff.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorsPath))
        cutOff.standardOutput = FileHandle.nullDevice
        try cutOff.run()
        let started = Date(timeIntervalSinceNow: 30)
        while repo.outboxCount(host: nil) < 3, cutOff.isRunning, Date() < started { Thread.sleep(forTimeInterval: 0.05) }
        #expect(repo.outboxCount(host: nil) >= 3, "the cut-off host did not start delivering")

        try network.link(up: false)
        let partitioned = Date()
        var waited: TimeInterval = 0
        var last: (code: Int32, out: String, err: String) = (75, "", "")
        while last.code == 75, waited < 40 {
            last = try repo.repo.crier(["run", "--at", at, "--config", repo.hosts[1]])
            waited = Date().timeIntervalSince(partitioned)
            if last.code == 75 { Thread.sleep(forTimeInterval: 0.25) }
        }
        #expect(last.code != 75, "the lock was still held after \(Int(waited)) s")
        #expect(waited <= 15, "the partitioned host's lock was released after \(waited) s")
        #expect([0, 1].contains(last.code), "\(last.out)\(last.err)")
        // The other host carried on: every item is settled, and each appears in the outbox once.
        let states = try repo.states(server: server.url)
        #expect(states.count == 60)
        #expect(states.values.allSatisfy { $0 == "sent" || $0 == "uncertain" }, "\(Set(states.values))")
        #expect(repo.outboxCount(host: nil) == states.values.filter { $0 == "sent" }.count)

        // The cut-off host finds its connection gone, says so, and records nothing more.
        try network.link(up: true)
        let ended = Date(timeIntervalSinceNow: 60)
        while cutOff.isRunning, Date() < ended { Thread.sleep(forTimeInterval: 0.1) }
        if cutOff.isRunning { cutOff.terminate() }
        cutOff.waitUntilExit()
        let said = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
        #expect(cutOff.terminationStatus != 0)
        #expect(said.contains("the connection to the PostgreSQL ledger was lost") || said.contains("cannot claim"), "\(said)")
        #expect(try repo.states(server: server.url) == states, "the cut-off host wrote after its lock was gone")
        print("partition: lock released after \(String(format: "%.1f", waited)) s; the other host then settled \(states.count) items")
    }
}

/// A network namespace joined to this one by a veth pair with a /30 of 10.213.x.0.
struct Partition {
    let namespace: String
    let hostLink: String
    let hostAddress: String

    init() throws {
        let tag = String(UInt32.random(in: 0..<0xFFFF), radix: 16)
        let subnet = Int.random(in: 1..<250)
        namespace = "crier-part-\(tag)"
        hostLink = "crph\(tag)"
        hostAddress = "10.213.\(subnet).1"
        let peer = "crpn\(tag)"
        for command in [
            ["netns", "add", namespace],
            ["link", "add", hostLink, "type", "veth", "peer", "name", peer],
            ["link", "set", peer, "netns", namespace],
            ["addr", "add", "\(hostAddress)/30", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["netns", "exec", namespace, "ip", "addr", "add", "10.213.\(subnet).2/30", "dev", peer],
            ["netns", "exec", namespace, "ip", "link", "set", peer, "up"],
            ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"],
        ] { try Self.ip(command) }
    }

    /// Brings the host side of the link down (the partition) or up again.
    func link(up: Bool) throws { try Self.ip(["link", "set", hostLink, up ? "up" : "down"]) }

    /// Deletes the namespace and the pair.
    func remove() {
        try? Self.ip(["link", "del", hostLink])
        try? Self.ip(["netns", "del", namespace])
    }

    private static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestServerError.didNotStart("ip \(arguments.joined(separator: " "))") }
    }
}

/// A PostgreSQL of its own from contrib/test-postgres.sh, listening on `listen`.
struct TestServer {
    let url: String
    let directory: String
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contrib/test-postgres.sh").path

    init(listen: String) throws {
        let outputPath = NSTemporaryDirectory() + "crier-pg-start-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let status = Self.run(["start"], environment: ["CRIER_TEST_POSTGRES_LISTEN": listen], output: outputPath)
        let lines = ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "").split(separator: "\n")
        func value(_ name: String) -> String? {
            lines.first { $0.hasPrefix("export \(name)=") }.map { String($0.dropFirst("export \(name)=".count)) }
        }
        guard status == 0, let url = value("CRIER_TEST_POSTGRES_URL"), let directory = value("CRIER_TEST_POSTGRES_DIR") else {
            throw TestServerError.didNotStart("contrib/test-postgres.sh start")
        }
        self.url = url
        self.directory = directory
    }

    func stop() { _ = Self.run(["stop", directory], environment: [:], output: "/dev/null") }

    /// Runs the script with posix_spawn and waitpid: Foundation's Process did not see this
    /// script end once the server it starts (as another user) had been forked.
    private static func run(_ arguments: [String], environment: [String: String], output: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([script] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, script, &actions, nil, argv, envp) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return (status >> 8) & 0xFF
    }
}
