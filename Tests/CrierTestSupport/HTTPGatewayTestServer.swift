import Foundation

/// The HTTP SMS gateway of `Fixtures/http_gateway.py`, started on a free port of 127.0.0.1 for
/// one test and stopped by `stop()`.
package final class HTTPGatewayTestServer {
    /// One request the server received (saved before it replied).
    package struct Request {
        /// `POST`.
        package var method: String
        /// The request target, e.g. `/2010-04-01/Accounts/AC1/Messages.json`.
        package var path: String
        /// The header fields in the order received.
        package var headers: [(name: String, value: String)]
        /// The body as UTF-8 text.
        package var body: String
        /// The client's port (one per connection).
        package var peerPort: Int

        /// The first value of header `name` (case-insensitive).
        package func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as a form: each `name=value` pair decoded (`+` is a space, `%XX` a byte).
        package var form: [(String, String)] {
            body.split(separator: "&", omittingEmptySubsequences: false).map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (Self.formDecoded(parts[0]), parts.count > 1 ? Self.formDecoded(parts[1]) : "")
            }
        }

        /// The body as a JSON object, if it is one.
        package var json: [String: Any]? {
            try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        }

        package static func formDecoded(_ text: Substring) -> String {
            String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "<bad percent-encoding: \(text)>"
        }
    }

    private let server: FixtureProcess

    /// Starts the server with the script's extra `arguments` (`--slow SECONDS`).
    package init(_ arguments: [String] = []) throws {
        server = try FixtureProcess(script: "http_gateway.py", folderPrefix: "crier-http") { ["--dir", $0 + "/requests"] + arguments }
    }

    /// The port it listens on.
    package var port: Int { server.port }

    /// `http://127.0.0.1:PORT` + `path`.
    package func url(_ path: String = "/messages") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops the server.
    package func stop() { server.stop() }

    /// What the server received so far, oldest first.
    package func requests() -> [Request] {
        server.records(in: "requests").map { _, object in
            let headers = (object["headers"] as? [[String]] ?? []).compactMap { pair in
                pair.count == 2 ? (name: pair[0], value: pair[1]) : nil
            }
            return Request(method: object["method"] as? String ?? "", path: object["path"] as? String ?? "",
                           headers: headers, body: object["body"] as? String ?? "",
                           peerPort: object["peer_port"] as? Int ?? 0)
        }
    }
}
