import Foundation
import Logging
import Testing
@testable import CrierCore

@Suite("Redacting log handler")
struct RedactingLogHandlerTests {
    /// Keeps the lines it is given.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let pairs = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append(([event.message.description] + pairs).joined(separator: " "))
        }
    }

    @Test func messagesAndMetadataAreMaskedBeforeTheyAreWritten() {
        let lines = Lines()
        let logger = Logger(label: "test") { _ in RedactingLogHandler(Capture(lines: lines)) }
        logger.warning("posting to https://gw.example/v1?api_key=Log-Key-n41",
                       metadata: ["error": "smtp://office:Log-Pw-o52@mail.example: refused",
                                  "more": .array([.stringConvertible("token=Log-Tok-p63")])])
        #expect(lines.all == ["posting to https://gw.example/v1?api_key=*** error=smtp://office:***@mail.example: refused more=[\"token=***\"]"])
    }
}
