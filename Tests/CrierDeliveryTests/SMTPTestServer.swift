import Foundation

/// The aiosmtpd server of `Fixtures/smtp_server.py`, started on a free port of 127.0.0.1 for
/// one test and stopped by `stop()`.
final class SMTPTestServer {
    /// One message the server accepted.
    struct Received {
        /// The DATA bytes as text.
        var data: String
        /// The envelope sender.
        var mailFrom: String
        /// The envelope recipients of its transaction.
        var recipients: [String]
        /// The client's port (one per connection).
        var peerPort: Int
        /// Whether the session was in TLS.
        var tls: Bool
        /// Whether the session authenticated.
        var authenticated: Bool
    }

    /// The fixture script. This file is also compiled into the end-to-end tests (a symlink
    /// there), so the path goes through the Tests folder.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CrierDeliveryTests/Fixtures/smtp_server.py").path

    let folder: String
    let port: Int
    private let process: Process

    /// Starts the server with the script's extra `arguments` (TLS, AUTH, --slow).
    init(_ arguments: [String] = []) throws {
        folder = NSTemporaryDirectory() + "crier-smtp-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let portFile = folder + "/port"
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-W", "ignore", Self.script, "--dir", folder + "/messages", "--port-file", portFile] + arguments
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        var found: Int?
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw TestServerError.didNotStart("smtp_server.py")
        }
        port = found
    }

    deinit { stop() }

    /// `smtp://127.0.0.1:PORT`.
    var url: String { "smtp://127.0.0.1:\(port)" }

    /// Stops the server.
    func stop() {
        if process.isRunning {
            // SIGKILL: a test thread may have passed a mask that blocks SIGTERM to the child.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// What the server accepted so far, oldest first.
    func received() -> [Received] {
        let dir = folder + "/messages"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            let base = dir + "/" + name.dropLast(5)
            guard let meta = FileManager.default.contents(atPath: dir + "/" + name),
                  let object = try? JSONSerialization.jsonObject(with: meta) as? [String: Any],
                  let data = FileManager.default.contents(atPath: base + ".eml") else { return nil }
            return Received(data: String(decoding: data, as: UTF8.self), mailFrom: object["mail_from"] as? String ?? "",
                            recipients: object["rcpt_tos"] as? [String] ?? [], peerPort: object["peer_port"] as? Int ?? 0,
                            tls: object["tls"] as? Bool ?? false, authenticated: object["auth"] as? Bool ?? false)
        }
    }
}

/// A test server that did not come up.
enum TestServerError: Error {
    /// The script did not report its port in time.
    case didNotStart(String)
}
