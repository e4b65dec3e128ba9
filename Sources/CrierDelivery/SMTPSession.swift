import CCurl
import Foundation

/// One SMTP connection: libcurl opens it (TCP, greeting, EHLO, STARTTLS, TLS with certificate
/// checks, AUTH) with `CURLOPT_CONNECT_ONLY` and stops there; crier runs the mail transactions
/// itself with `curl_easy_send` / `curl_easy_recv`, which go through libcurl's TLS. When the
/// server advertises PIPELINING (RFC 2920), MAIL FROM, RCPT TO and DATA go in one write; the
/// body and its terminator go in another, so a message costs two round trips instead of four.
///
/// A transaction's result has the shape of a libcurl transfer's (`CurlHandle.Result`, with
/// libcurl's codes and texts: `RCPT failed: 550`, ...), so the transport reads both alike.
/// Nothing sent is ever logged.
final class SMTPSession {
    /// What one transaction came to.
    struct Transaction {
        /// As libcurl would have reported it.
        var result: CurlHandle.Result
        /// Whether the connection was found dead before the server answered anything of this
        /// transaction (a connection the server closed while idle): retrying it on a new
        /// connection cannot deliver twice.
        var stale = false
    }

    /// One reply: its code and its last line (without CRLF).
    private struct Reply {
        var code: Int
        var line: String
    }

    /// When a transaction's time is up, and its limit (for the error text).
    private struct Deadline {
        var instant: ContinuousClock.Instant
        var seconds: TimeInterval

        /// `seconds` from now.
        init(in seconds: TimeInterval) {
            self.seconds = seconds
            instant = .now + .milliseconds(Int(seconds * 1000))
        }

        /// Whole milliseconds left (0 or less: none).
        var millisecondsLeft: Int32 {
            let left = ContinuousClock.now.duration(to: instant).components
            return Int32(clamping: left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000)
        }
    }

    /// A reply or why none came.
    private enum Reading {
        case reply(Reply)
        case failed(CurlHandle.Result)
    }

    /// The commands before the body, as libcurl names them in its errors.
    private static let steps = ["MAIL", "RCPT", "DATA"]

    private let handle: CurlHandle
    private let socket: Int32
    /// Whether the server's (last) EHLO advertised PIPELINING.
    let pipelining: Bool
    /// Whether it advertised SIZE (libcurl then says `MAIL FROM:<a> SIZE=n`).
    private let size: Bool
    /// Whether the connection may carry another transaction.
    private(set) var isOpen = true
    /// Received bytes not yet read as replies.
    private var inbox: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 16 * 1024)

    private init(handle: CurlHandle, socket: Int32, extensions: [String]) {
        self.handle = handle
        self.socket = socket
        pipelining = extensions.contains("PIPELINING")
        size = extensions.contains("SIZE")
    }

    /// Connects with `handle` (its URL, TLS policy, credentials and connect timeout set):
    /// libcurl runs the greeting, EHLO, STARTTLS and AUTH. The session, or nil and libcurl's
    /// failed result.
    static func open(_ handle: CurlHandle) -> (session: SMTPSession?, result: CurlHandle.Result) {
        handle.set(CURLOPT_CONNECT_ONLY, 1)
        var result = handle.perform()
        guard result.ok else { return (nil, result) }
        guard let socket = handle.activeSocket else {
            result.code = CURLE_COULDNT_CONNECT
            result.errorText = "libcurl kept no connection open"
            return (nil, result)
        }
        return (SMTPSession(handle: handle, socket: socket, extensions: extensions(of: result.replies)), result)
    }

    /// The keywords (upper case) of the last EHLO reply among `replies`: after STARTTLS libcurl
    /// says EHLO again, and only that answer counts.
    static func extensions(of replies: [String]) -> [String] {
        var last: [String] = []
        var current: [String] = []
        var open = false
        for line in replies {
            guard line.hasPrefix("250") else {
                open = false
                continue
            }
            if !open { current = [] }
            current.append(String(line.dropFirst(4)))
            open = line.dropFirst(3).first == "-"
            if !open { last = current }
        }
        // The first line is the server's name, the others its extensions.
        return last.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } }
    }

    /// Ends the connection at once: a DATA in progress is aborted (the server discards it),
    /// and libcurl's QUIT at cleanup fails fast instead of waiting.
    func close() {
        if isOpen { shutdown(socket, Int32(SHUT_RDWR)) }
        isOpen = false
    }

    /// Sends `message` (CRLF text) from `sender` to `recipient` within `timeout` seconds.
    /// `handOver` is asked once the server has accepted DATA and the body but its terminator has
    /// gone (the server cannot take the message without it); false closes the connection, the
    /// server drops the body, and the result is `CURLE_ABORTED_BY_CALLBACK`. (`SMTPTransport`
    /// starts the record on another thread before the envelope goes, so that it is made while
    /// the server answers.) After a refused MAIL, RCPT or DATA the session is reset (RSET) for
    /// the next transaction.
    func send(_ message: [UInt8], from sender: String, to recipient: String, timeout: TimeInterval,
              handOver: () -> Bool) -> Transaction {
        let deadline = Deadline(in: timeout)
        var mail = "MAIL FROM:<\(sender)>"
        if size { mail += " SIZE=\(message.count)" }
        let commands = [mail, "RCPT TO:<\(recipient)>", "DATA"].map { $0 + "\r\n" }
        var last: Reply?
        var refused: (step: String, reply: Reply)?
        for (index, step) in Self.steps.enumerated() {
            if !pipelining || index == 0 {
                let text = pipelining ? commands.joined() : commands[index]
                if let failure = write(Array(text.utf8), deadline: deadline) {
                    return Transaction(result: failure, stale: last == nil)
                }
            }
            let reply: Reply
            switch read(deadline: deadline) {
            case .failed(let failure):
                return Transaction(result: Self.failure(failure, after: last), stale: last == nil && failure.code != CURLE_OPERATION_TIMEDOUT)
            case .reply(let value):
                reply = value
            }
            if last == nil, reply.code == 421 {
                // The server is closing this connection (an idle timeout, too many messages).
                close()
                return Transaction(result: Self.refusal(step, reply), stale: true)
            }
            last = reply
            let accepted = step == "DATA" ? reply.code == 354 : reply.code / 100 == 2
            if refused == nil, !accepted {
                refused = (step, reply)
                if !pipelining { break }
            }
        }
        if let refused {
            // With pipelining DATA may have been accepted all the same: the only way out is to close.
            if last?.code == 354 { close() } else { reset(deadline: deadline) }
            return Transaction(result: Self.refusal(refused.step, refused.reply))
        }
        var section = Self.dataSection(message)
        let terminator = Array(section.suffix(3))
        section.removeLast(3)
        if let failure = write(section, deadline: deadline) {
            return Transaction(result: Self.failure(failure, after: last))
        }
        guard handOver() else {
            close()
            return Transaction(result: Self.result(CURLE_ABORTED_BY_CALLBACK, "handing over was not recorded", last))
        }
        if let failure = write(terminator, deadline: deadline) {
            return Transaction(result: Self.failure(failure, after: last))
        }
        switch read(deadline: deadline) {
        case .failed(let failure):
            return Transaction(result: Self.failure(failure, after: last))
        case .reply(let reply) where reply.code == 250:
            return Transaction(result: Self.result(CURLE_OK, "", reply))
        case .reply(let reply):
            return Transaction(result: Self.result(CURLE_WEIRD_SERVER_REPLY, String(cString: curl_easy_strerror(CURLE_WEIRD_SERVER_REPLY)), reply))
        }
    }

    /// The body as DATA sends it: a line beginning with "." gets another, the last line ends
    /// with CRLF, then the terminating ".\r\n".
    static func dataSection(_ message: [UInt8]) -> [UInt8] {
        let dot = UInt8(ascii: "."), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 64 + 5)
        message.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
            // The line feeds found with memchr, the bytes between copied a run at a time (a byte
            // at a time cost 18 instructions a byte, about a quarter of a message's building).
            if bytes[0] == dot { out.append(dot) }
            var start = 0, from = 0
            while from < bytes.count, let found = memchr(base + from, Int32(lf), bytes.count - from) {
                let next = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
                if next < bytes.count, bytes[next] == dot {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<next]))
                    out.append(dot)
                    start = next
                }
                from = next
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        if !out.isEmpty, !(out.count >= 2 && out[out.count - 2] == cr && out[out.count - 1] == lf) {
            out += [cr, lf]
        }
        out += [dot, cr, lf]
        return out
    }

    /// Sends RSET (alone) so the next transaction starts clean; closes the connection if the
    /// server does not take it.
    private func reset(deadline: Deadline) {
        guard isOpen, write(Array("RSET\r\n".utf8), deadline: deadline) == nil,
              case .reply(let reply) = read(deadline: deadline), reply.code == 250 else {
            close()
            return
        }
    }

    /// Writes all of `bytes`, waiting for the socket while it is full; nil, or the failure
    /// (the connection is then closed).
    private func write(_ bytes: [UInt8], deadline: Deadline) -> CurlHandle.Result? {
        guard isOpen else { return Self.result(CURLE_SEND_ERROR, "the connection is closed", nil) }
        var offset = 0
        while offset < bytes.count {
            let (code, count) = bytes.withUnsafeBytes { handle.send(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            if code == CURLE_AGAIN {
                if let failure = wait(for: Int16(POLLOUT), deadline: deadline) { return failure }
                continue
            }
            guard code == CURLE_OK else {
                close()
                return Self.result(code, String(cString: curl_easy_strerror(code)), nil)
            }
            offset += count
        }
        return nil
    }

    /// Reads one reply (a multi-line one to its last line), receiving what libcurl has before
    /// waiting on the socket; the failure closes the connection.
    private func read(deadline: Deadline) -> Reading {
        while true {
            if let reply = takeReply() { return .reply(reply) }
            let (code, count) = chunk.withUnsafeMutableBytes { handle.receive(into: $0) }
            switch code {
            case CURLE_AGAIN:
                if let failure = wait(for: Int16(POLLIN), deadline: deadline) { return .failed(failure) }
            case CURLE_OK where count > 0:
                inbox += chunk[..<count]
            case CURLE_OK:
                close()
                return .failed(Self.result(CURLE_RECV_ERROR, "response reading failed: the server closed the connection", nil))
            default:
                close()
                return .failed(Self.result(code, "response reading failed: \(String(cString: curl_easy_strerror(code)))", nil))
            }
        }
    }

    /// The first complete reply in `inbox`, removed from it, or nil.
    private func takeReply() -> Reply? {
        var start = 0
        while let end = inbox[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = inbox[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = end + 1
            // "250-..." continues a reply; "250 ..." (or a bare "250") ends it.
            if line.count > 3, line[line.startIndex + 3] == UInt8(ascii: "-") { continue }
            let code = Int(String(decoding: line.prefix(3), as: UTF8.self)) ?? 0
            let reply = Reply(code: code, line: String(decoding: line.prefix(300), as: UTF8.self))
            inbox.removeSubrange(..<start)
            return reply
        }
        return nil
    }

    /// Waits until the socket is ready for `events` or the deadline passes (the connection is
    /// then closed: where the transaction stands is unknown); nil when ready.
    private func wait(for events: Int16, deadline: Deadline) -> CurlHandle.Result? {
        while true {
            let milliseconds = deadline.millisecondsLeft
            guard milliseconds > 0 else { break }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return nil }
            if ready < 0, errno != EINTR {
                close()
                return Self.result(CURLE_RECV_ERROR, "poll failed (errno \(errno))", nil)
            }
        }
        close()
        return Self.result(CURLE_OPERATION_TIMEDOUT, "Operation timed out after \(Int(deadline.seconds * 1000)) milliseconds waiting for the server", nil)
    }

    /// A result as libcurl reports a refused command: `RCPT failed: 550` with the reply.
    private static func refusal(_ step: String, _ reply: Reply) -> CurlHandle.Result {
        result(CURLE_SEND_ERROR, "\(step) failed: \(reply.code)", reply)
    }

    /// `failure` after `reply`, the last reply of the transaction (libcurl reports the last
    /// reply code when the connection fails afterwards).
    private static func failure(_ failure: CurlHandle.Result, after reply: Reply?) -> CurlHandle.Result {
        guard let reply else { return failure }
        var result = failure
        result.responseCode = reply.code
        result.lastReply = reply.line
        return result
    }

    /// A result with `code` and `text`, `reply` the last one the server gave.
    private static func result(_ code: CURLcode, _ text: String, _ reply: Reply?) -> CurlHandle.Result {
        let refusal = reply.flatMap { (400..<600).contains($0.code) ? $0.line : nil }
        return CurlHandle.Result(code: code, responseCode: reply?.code ?? 0, errorText: text, lastReply: reply?.line,
                                 lastRefusal: refusal, replies: [], body: [])
    }
}
