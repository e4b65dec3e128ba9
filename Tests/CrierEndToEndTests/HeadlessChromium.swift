import CrierTestSupport
import Foundation

/// Debian's `chromium`, headless, offline: every host name resolves to nothing, so the only
/// network it could reach is 127.0.0.1 (where a test's `ConnectionCounter` listens).
struct HeadlessChromium {
    let executable: String

    /// The browser, or nil when it is not installed (`contrib/install-deps.sh` installs it).
    static func find() -> HeadlessChromium? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return HeadlessChromium(executable: path)
        }
        return nil
    }

    /// The DOM of `file` after loading it, as HTML text. (Headless Chromium reads the DOM
    /// through a script of its own, so it cannot turn JavaScript off; the pages under test have
    /// no script and a policy that forbids any.)
    func dumpDOM(_ file: String, fragment: String = "") throws -> String {
        try run(["--dump-dom", url(file, fragment)]).out
    }

    /// A PNG of `file` at `width`×`height` CSS pixels.
    func screenshot(_ file: String, to png: String, width: Int = 1280, height: Int = 2000) throws {
        _ = try run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(png)", url(file, "")])
    }

    /// `file#fragment` printed to PDF: what a reader sees, hidden elements left out.
    func printToPDF(_ file: String, fragment: String, to pdf: String) throws {
        _ = try run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", url(file, fragment)])
    }

    private func url(_ file: String, _ fragment: String) -> String {
        URL(fileURLWithPath: file).absoluteString + (fragment.isEmpty ? "" : "#" + fragment)
    }

    private func run(_ arguments: [String]) throws -> (out: String, err: String) {
        let profile = NSTemporaryDirectory() + "crier-chromium-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=3000",
        ] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while it runs: a full pipe would stall the browser.
        let errData = ThreadedRead(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errText = String(decoding: errData.wait(), as: UTF8.self)
        guard process.terminationStatus == 0 else { throw BrowserError.failed(process.terminationStatus, errText) }
        return (String(decoding: outData, as: UTF8.self), errText)
    }
}

/// Reads a pipe to its end on another thread.
private final class ThreadedRead: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// The browser did not finish.
enum BrowserError: Error {
    case failed(Int32, String)
}

/// A TCP listener on 127.0.0.1 that counts the connections it gets (answering each with an
/// empty HTTP 200): a page that fetched anything from it would show up here.
final class ConnectionCounter {
    let port: Int
    private let log: String
    private let process: Process

    init() throws {
        let folder = NSTemporaryDirectory() + "crier-listener-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        log = folder + "/connections"
        let portFile = folder + "/port"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let script = """
            import socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0)); s.listen(16)
            open(sys.argv[2], "w").write(str(s.getsockname()[1]))
            while True:
                c, _ = s.accept()
                c.settimeout(2)
                try: request = c.recv(4096).split(b"\\r\\n")[0].decode("latin-1")
                except Exception: request = "?"
                with open(sys.argv[1], "a") as f: f.write(request + "\\n")
                try: c.sendall(b"HTTP/1.0 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n")
                except Exception: pass
                c.close()
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, log, portFile]
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                port = value
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw TestServerError.didNotStart("connection counter")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The first line of each request received so far.
    var requests: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
