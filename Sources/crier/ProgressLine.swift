import CrierCore
import Foundation

/// A one-line delivery progress on a terminal: `delivering 120/2000 · 35/s · about 54s left`,
/// redrawn in place at most four times a second, once delivery has lasted `delay` seconds
/// (short runs stay quiet), and erased at the end. Only when standard error is a terminal:
/// cron mail and logs never see it.
final class ProgressLine: DeliveryProgress, @unchecked Sendable {
    private let delay: TimeInterval
    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var start = Date()
    private var lastDraw: Date?
    private var drawn = false

    /// A progress line on standard error, or nil when standard error is not a terminal.
    static func onTerminal(delay: TimeInterval = 2) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(delay: delay) : nil
    }

    private init(delay: TimeInterval) {
        self.delay = delay
    }

    func started(total: Int) {
        lock.lock()
        defer { lock.unlock() }
        self.total = total
        done = 0
        start = Date()
    }

    func advanced() {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= delay, lastDraw.map({ now.timeIntervalSince($0) >= 0.25 }) ?? true else { return }
        lastDraw = now
        drawn = true
        write("\r\u{1B}[K" + Self.text(done: done, total: total, elapsed: elapsed))
    }

    func finished() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { write("\r\u{1B}[K") }
        drawn = false
    }

    /// `delivering 120/2000 · 35/s · about 54s left`.
    static func text(done: Int, total: Int, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        var text = "delivering \(done)/\(total)"
        guard rate > 0 else { return text }
        text += rate >= 10 ? " · \(Int(rate.rounded()))/s" : " · \(String(format: "%.1f", rate))/s"
        let left = Int((Double(max(0, total - done)) / rate).rounded())
        text += " · about \(DurationText.format(left)) left"
        return text
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
