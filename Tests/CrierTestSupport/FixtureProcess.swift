import Foundation

/// A Python test server of `Fixtures/`, started for one test: it gets a fresh folder, reports
/// the port it listens on through `--port-file`, and is killed by `stop()`.
package final class FixtureProcess {
    /// The folder of this server's files.
    package let folder: String
    /// The port it listens on (127.0.0.1).
    package let port: Int
    private let process: Process

    /// Starts `Fixtures/SCRIPT` with `arguments` and `--port-file`; waits up to 15 s for the port.
    package init(script: String, folderPrefix: String, arguments: (String) -> [String]) throws {
        folder = NSTemporaryDirectory() + "\(folderPrefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let portFile = folder + "/port"
        let path = TestPaths.fixture(script)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-W", "ignore", path, "--port-file", portFile] + arguments(folder)
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
            process.waitUntilExit()
            throw TestServerError.didNotStart(script)
        }
        port = found
    }

    deinit { stop() }

    /// Stops the server.
    package func stop() {
        if process.isRunning {
            // SIGKILL: a test thread may have passed a mask that blocks SIGTERM to the child.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The `.json` files of `subfolder`, oldest first, each decoded as an object, with its path
    /// without the extension.
    package func records(in subfolder: String) -> [(base: String, object: [String: Any])] {
        let dir = folder + "/" + subfolder
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir + "/" + name),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return (dir + "/" + name.dropLast(5), object)
        }
    }
}

/// A test server that did not come up.
package enum TestServerError: Error {
    /// The script did not report its port in time.
    case didNotStart(String)
}
