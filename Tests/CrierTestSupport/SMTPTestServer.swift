import Foundation

/// The aiosmtpd server of `Fixtures/smtp_server.py`, started on a free port of 127.0.0.1 for
/// one test and stopped by `stop()`.
package final class SMTPTestServer {
    /// One message the server accepted.
    package struct Received {
        /// The DATA bytes as text.
        package var data: String
        /// The envelope sender.
        package var mailFrom: String
        /// The envelope recipients of its transaction.
        package var recipients: [String]
        /// The client's port (one per connection).
        package var peerPort: Int
        /// Whether the session was in TLS.
        package var tls: Bool
        /// Whether the session authenticated.
        package var authenticated: Bool
        /// How many commands (MAIL, RCPT, DATA) arrived in the same chunk as its MAIL FROM:
        /// 3 when the client pipelined them, 1 when it waited for each reply.
        package var mailChunkCommands: Int
    }

    private let server: FixtureProcess

    /// Starts the server with the script's extra `arguments` (TLS, AUTH, --slow, --pipelining,
    /// --idle-timeout).
    package init(_ arguments: [String] = []) throws {
        server = try FixtureProcess(script: "smtp_server.py", folderPrefix: "crier-smtp") { ["--dir", $0 + "/messages"] + arguments }
    }

    /// The port it listens on.
    package var port: Int { server.port }

    /// `smtp://127.0.0.1:PORT`.
    package var url: String { "smtp://127.0.0.1:\(port)" }

    /// Stops the server.
    package func stop() { server.stop() }

    /// What the server accepted so far, oldest first.
    package func received() -> [Received] {
        server.records(in: "messages").compactMap { base, object in
            guard let data = FileManager.default.contents(atPath: base + ".eml") else { return nil }
            return Received(data: String(decoding: data, as: UTF8.self), mailFrom: object["mail_from"] as? String ?? "",
                            recipients: object["rcpt_tos"] as? [String] ?? [], peerPort: object["peer_port"] as? Int ?? 0,
                            tls: object["tls"] as? Bool ?? false, authenticated: object["auth"] as? Bool ?? false,
                            mailChunkCommands: object["mail_chunk_commands"] as? Int ?? 0)
        }
    }
}
