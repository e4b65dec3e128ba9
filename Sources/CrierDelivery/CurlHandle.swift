import CCurl
import CrierCore
import Foundation

/// Connect and per-transfer limits, for every transport that goes through libcurl.
package struct TransportTimeouts: Sendable {
    /// Seconds to set up the connection: TCP, TLS and the protocol's greeting (SMTP's banner,
    /// EHLO, STARTTLS and AUTH). A server that accepts TCP and never answers costs this, once.
    package var connect: TimeInterval
    /// Seconds one transfer (an SMTP transaction, an HTTP request) may take in all.
    package var total: TimeInterval

    /// Limits: 10 s to connect and be greeted, 30 s per transfer by default.
    package init(connect: TimeInterval = 10, total: TimeInterval = 30) {
        self.connect = connect
        self.total = total
    }
}

/// One libcurl easy handle, kept on one thread: libcurl reuses its connection across
/// `perform` calls. It posts a byte buffer, collects the response body and remembers the
/// server's reply lines (SMTP) for error messages; with `CURLOPT_CONNECT_ONLY` it sends and
/// receives raw bytes on the connection it opened (`SMTPSession`).
final class CurlHandle {
    /// What one transfer came to.
    struct Result {
        /// libcurl's result code.
        var code: CURLcode
        /// The last SMTP reply code or HTTP status (0 when none arrived).
        var responseCode: Int
        /// libcurl's error text (from CURLOPT_ERRORBUFFER, or its generic text).
        var errorText: String
        /// The last reply line the server sent (SMTP), without CRLF.
        var lastReply: String?
        /// The last 4xx / 5xx reply line (SMTP): libcurl may say QUIT after a refusal, so the
        /// refusal is not always the last line.
        var lastRefusal: String?
        /// Every reply line of the transfer, oldest first (at most 100): the greeting, EHLO's
        /// extensions, ... (`crier doctor` reads them).
        var replies: [String]
        /// The response body (HTTP).
        var body: [UInt8]

        /// Whether the transfer worked.
        var ok: Bool { code == CURLE_OK }

        /// The delivery-wide fault libcurl's code stands for, worded for `server` (a URL
        /// without credentials), or nil when the code may concern this message alone.
        func fault(server: String) -> TransportFault? {
            switch code {
            case CURLE_COULDNT_RESOLVE_HOST:
                return TransportFault(.outage, "\(server): \(errorText). Check the host name in the URL and the DNS of this machine")
            case CURLE_COULDNT_CONNECT:
                return TransportFault(.outage, "\(server): \(errorText). Is the server running and reachable from this machine?")
            case CURLE_OPERATION_TIMEDOUT:
                return TransportFault(.outage, "\(server): \(errorText) (the server did not answer). Check the server; the items wait for the next run")
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR,
                 CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
                return TransportFault(.configuration, "\(server): the server's certificate is not trusted: \(errorText). Fix the server's certificate, or name its CA in ca_file")
            case CURLE_SSL_CONNECT_ERROR:
                return TransportFault(.configuration, "\(server): the TLS handshake failed: \(errorText). Check the port and that the server speaks TLS there")
            case CURLE_USE_SSL_FAILED:
                return TransportFault(.configuration, "\(server): the server does not offer STARTTLS, and tls is required: enable STARTTLS on the server or use smtps:// (port 465); crier never sends credentials or mail in clear text unless tls: none")
            case CURLE_LOGIN_DENIED:
                let reply = lastRefusal.map { " (\($0))" } ?? ""
                return TransportFault(.configuration, "\(server): the server refused the username and password\(reply). Check the username and the password's source (password_env or password_file)")
            default:
                return nil
            }
        }
    }

    private static let globalInit: CURLcode = curl_global_init(crier_curl_global_all)

    private let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var lists: [UInt32: UnsafeMutablePointer<curl_slist>] = [:]
    fileprivate var upload: [UInt8] = []
    fileprivate var uploadOffset = 0
    fileprivate var body: [UInt8] = []
    fileprivate var replyLine: [UInt8] = []
    fileprivate var lastReply: String?
    fileprivate var lastRefusal: String?
    fileprivate var replies: [String] = []
    /// Called before the upload's last byte is handed to libcurl; false aborts the transfer.
    fileprivate var handOver: (() -> Bool)?

    /// A handle for `url` that always verifies the server's certificate and host name (with
    /// `caFile` as an extra trust anchor) and keeps to `timeouts`; nil if libcurl cannot make one.
    convenience init?(url: String, caFile: String? = nil, timeouts: TransportTimeouts) {
        self.init()
        set(CURLOPT_URL, url)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile { set(CURLOPT_CAINFO, caFile) }
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(timeouts.connect * 1000))
        set(CURLOPT_TIMEOUT_MS, Int(timeouts.total * 1000))
    }

    /// A fresh easy handle with the callbacks wired; nil if libcurl cannot make one.
    private init?() {
        guard Self.globalInit == CURLE_OK, let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(crier_curl_error_size))
        errorBuffer.initialize(repeating: 0, count: Int(crier_curl_error_size))
        let me = Unmanaged.passUnretained(self).toOpaque()
        _ = crier_curl_set_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = crier_curl_set_long(raw, CURLOPT_NOSIGNAL, 1)
        _ = crier_curl_set_callback(raw, CURLOPT_READFUNCTION) { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            let handle = Unmanaged<CurlHandle>.fromOpaque(user).takeUnretainedValue()
            let n = min(size * count, handle.upload.count - handle.uploadOffset)
            guard n > 0 else { return 0 }
            if handle.uploadOffset + n == handle.upload.count, let handOver = handle.handOver {
                handle.handOver = nil
                guard handOver() else { return crier_curl_readfunc_abort }
            }
            handle.upload.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + handle.uploadOffset, byteCount: n)
            }
            handle.uploadOffset += n
            return n
        }
        _ = crier_curl_set_pointer(raw, CURLOPT_READDATA, me)
        _ = crier_curl_set_callback(raw, CURLOPT_WRITEFUNCTION) { buffer, size, count, user in
            guard let user else { return 0 }
            let handle = Unmanaged<CurlHandle>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            if let buffer, n > 0, handle.body.count < 1 << 20 {
                handle.body.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
            }
            return n
        }
        _ = crier_curl_set_pointer(raw, CURLOPT_WRITEDATA, me)
        // The server's reply lines (SMTP's replies, HTTP's status line and headers) come to the
        // header callback, one line a call; what we send (AUTH carries the password) never does.
        _ = crier_curl_set_callback(raw, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            guard let user else { return 0 }
            let handle = Unmanaged<CurlHandle>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            guard let data, n > 0 else { return n }
            for byte in UnsafeRawBufferPointer(start: data, count: n) {
                if byte == UInt8(ascii: "\n") {
                    if handle.replyLine.last == UInt8(ascii: "\r") { handle.replyLine.removeLast() }
                    if !handle.replyLine.isEmpty {
                        let line = String(decoding: handle.replyLine.prefix(300), as: UTF8.self)
                        handle.lastReply = line
                        if handle.replies.count < 100 { handle.replies.append(line) }
                        if let first = handle.replyLine.first, first == UInt8(ascii: "4") || first == UInt8(ascii: "5") {
                            handle.lastRefusal = line
                        }
                    }
                    handle.replyLine.removeAll(keepingCapacity: true)
                } else if handle.replyLine.count < 1000 {
                    handle.replyLine.append(byte)
                }
            }
            return n
        }
        _ = crier_curl_set_pointer(raw, CURLOPT_HEADERDATA, me)
    }

    deinit {
        curl_easy_cleanup(raw)
        for list in lists.values { curl_slist_free_all(list) }
        errorBuffer.deallocate()
    }

    /// Sets a numeric option.
    func set(_ option: CURLoption, _ value: Int) {
        _ = crier_curl_set_long(raw, option, value)
    }

    /// Sets a string option (libcurl copies it); nil clears it.
    func set(_ option: CURLoption, _ value: String?) {
        if let value {
            _ = value.withCString { crier_curl_set_string(raw, option, $0) }
        } else {
            _ = crier_curl_set_string(raw, option, nil)
        }
    }

    /// Sets a list option (recipients, headers); the list lives until replaced or the handle dies.
    func set(_ option: CURLoption, list values: [String]) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values { list = curl_slist_append(list, value) }
        _ = crier_curl_set_slist(raw, option, list)
        if let old = lists[option.rawValue] { curl_slist_free_all(old) }
        lists[option.rawValue] = list
    }

    /// The socket of the connection libcurl keeps open (`CURLOPT_CONNECT_ONLY`), or nil.
    var activeSocket: Int32? {
        var socket = curl_socket_t(-1)
        guard crier_curl_get_socket(raw, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK, socket >= 0 else { return nil }
        return socket
    }

    /// Sends `bytes` on a `CURLOPT_CONNECT_ONLY` connection without blocking (through TLS when
    /// the connection has it): how many bytes went, or the error (`CURLE_AGAIN`: wait to write).
    func send(_ bytes: UnsafeRawBufferPointer) -> (code: CURLcode, count: Int) {
        var count = 0
        let code = curl_easy_send(raw, bytes.baseAddress, bytes.count, &count)
        return (code, count)
    }

    /// Receives into `buffer` from a `CURLOPT_CONNECT_ONLY` connection without blocking: how
    /// many bytes came (0 with `CURLE_OK`: the server closed), or the error (`CURLE_AGAIN`: wait).
    func receive(into buffer: UnsafeMutableRawBufferPointer) -> (code: CURLcode, count: Int) {
        var count = 0
        let code = curl_easy_recv(raw, buffer.baseAddress, buffer.count, &count)
        return (code, count)
    }

    /// Runs one transfer, uploading `upload` when given (an HTTP POST body: CURLOPT_POST is
    /// set); `handOver` runs just before its last byte goes to libcurl.
    func perform(upload: [UInt8]? = nil, handOver: (() -> Bool)? = nil) -> Result {
        self.handOver = handOver
        defer { self.handOver = nil }
        self.upload = upload ?? []
        uploadOffset = 0
        body.removeAll(keepingCapacity: true)
        replyLine.removeAll(keepingCapacity: true)
        lastReply = nil
        lastRefusal = nil
        replies.removeAll()
        errorBuffer[0] = 0
        if let upload {
            _ = crier_curl_set_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.count))
        }
        let code = curl_easy_perform(raw)
        var response = 0
        _ = crier_curl_get_long(raw, CURLINFO_RESPONSE_CODE, &response)
        var text = String(cString: errorBuffer)
        if text.isEmpty, code != CURLE_OK { text = String(cString: curl_easy_strerror(code)) }
        self.upload = []
        return Result(code: code, responseCode: response, errorText: text, lastReply: lastReply, lastRefusal: lastRefusal, replies: replies, body: body)
    }
}
