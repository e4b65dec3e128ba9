import CCurl
import CrierCore
import Foundation

/// Sends SMS through an HTTP gateway with libcurl.
///
/// - `twilio`: POST form-encoded `To`, `From`, `Body`, HTTP basic auth (account SID + token);
///   the message id is the response's JSON `sid`.
/// - `json`: POST `{"to", "from", "body", "reference": item id}`; bearer token = the password
///   when no username is set, else basic auth; the message id is the response's JSON `id`.
///
/// 2xx → delivered; 429 and 5xx, and a dropped connection → transient; 401 and 403 (the
/// credentials), a missing secret, TLS trouble and a gateway refusing, unreachable or silent →
/// `unavailable`, for the whole transport; other 4xx → permanent with the start of the response body.
package final class HTTPSMSTransport: Transport {
    /// Where and how to post.
    package let settings: HTTPGatewaySettings
    /// Time limits.
    package let timeouts: TransportTimeouts
    private let environment: [String: String]
    private var handle: CurlHandle?

    /// A transport for `settings`; `environment` is where `password_env` is looked up.
    package init(settings: HTTPGatewaySettings, timeouts: TransportTimeouts = .init(),
                 environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.timeouts = timeouts
        self.environment = environment
    }

    /// `http`.
    package var name: String { "http" }

    /// A gateway cannot be asked whether an earlier request went through.
    package func reconcile(itemID: String, channel: Channel) -> Bool? { nil }

    /// Posts one SMS; error texts pass through `Redaction` (the URL's query, a token echoed back).
    package func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        guard case .sms(let itemID, let sms) = message else {
            return .permanent("http: the SMS gateway cannot deliver an email")
        }
        return post(sms, itemID: itemID, handOver: handOver).redacted
    }

    private func post(_ sms: SMSMessage, itemID: String, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        let password: String?
        switch self.password {
        case .success(let value): password = value
        case .failure(let problem): return .unavailable(TransportFault(.configuration, problem.message))
        }
        let credentials = settings.username != nil || password != nil
        if let refusal = SecretProblem.refusal(url: settings.url, credentials: credentials, plainText: settings.url.lowercased().hasPrefix("http://"), owner: "sms.http") {
            return .transient(refusal.message)
        }
        guard let handle = connection() else { return .transient("http: libcurl could not start") }
        var headers: [String] = []
        let body: String
        switch settings.format {
        case .twilio:
            var fields = [("To", sms.recipient)]
            if let from = settings.from { fields.append(("From", from)) }
            fields.append(("Body", sms.body))
            body = fields.map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
            headers.append("Content-Type: application/x-www-form-urlencoded")
        case .json:
            var pairs: [(String, JSONValue)] = [("to", .string(sms.recipient))]
            if let from = settings.from { pairs.append(("from", .string(from))) }
            pairs.append(("body", .string(sms.body)))
            pairs.append(("reference", .string(itemID)))
            body = JSONValue.object(pairs).rendered()
            headers.append("Content-Type: application/json")
        }
        headers.append("Accept: application/json")
        Self.authenticate(handle, settings: settings, password: password)
        handle.set(CURLOPT_HTTPHEADER, list: headers)
        let result = handle.perform(upload: Array(body.utf8), handOver: handOver)
        let status = result.responseCode
        let server = "sms.http \(settings.url)"
        if result.code == CURLE_ABORTED_BY_CALLBACK { return .unmarked }
        if let fault = result.fault(server: server) { return .unavailable(fault) }
        guard result.ok, status > 0 else {
            return .transient("http \(settings.url): \(result.errorText)")
        }
        switch status {
        case 401, 403:
            return .unavailable(TransportFault(.configuration, "\(server): the gateway refused the credentials (\(status)): \(Self.excerpt(result.body)). Check sms.http.username and the password's source (password_env or password_file)"))
        case 200..<300:
            return .delivered(providerID: Self.messageID(in: result.body, key: settings.format == .twilio ? "sid" : "id"))
        case 429, 500..<600:
            return .transient("http: gateway answered \(status): \(Self.excerpt(result.body))")
        default:
            return .permanent("http: gateway answered \(status): \(Self.excerpt(result.body))")
        }
    }

    /// The password or token from its source, read once when the first SMS goes out; nil when
    /// none is configured.
    private lazy var password: Swift.Result<String?, SecretProblem> = {
        guard let source = settings.password else { return .success(nil) }
        return SecretProblem.read(source, environment: environment, owner: "sms.http")
    }()

    /// The configured easy handle, made on first use.
    private func connection() -> CurlHandle? {
        if let handle { return handle }
        guard let handle = Self.handle(settings: settings, timeouts: timeouts) else { return nil }
        handle.set(CURLOPT_POST, 1)
        self.handle = handle
        return handle
    }

    /// A handle for the gateway's URL (`crier doctor` uses it too).
    static func handle(settings: HTTPGatewaySettings, timeouts: TransportTimeouts) -> CurlHandle? {
        guard let handle = CurlHandle(url: settings.url, timeouts: timeouts) else { return nil }
        // HTTP(S) only (no file://, ftp://, ...), and a URL without a scheme means https:
        // libcurl would otherwise guess http:// and send the credentials in clear.
        handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        handle.set(CURLOPT_DEFAULT_PROTOCOL, "https")
        return handle
    }

    /// Basic auth with `username`, else a bearer token when there is a password.
    static func authenticate(_ handle: CurlHandle, settings: HTTPGatewaySettings, password: String?) {
        if let username = settings.username {
            handle.set(CURLOPT_HTTPAUTH, crier_curl_auth_basic)
            handle.set(CURLOPT_USERNAME, username)
            handle.set(CURLOPT_PASSWORD, password ?? "")
            handle.set(CURLOPT_XOAUTH2_BEARER, nil)
        } else if let password {
            handle.set(CURLOPT_HTTPAUTH, crier_curl_auth_bearer)
            handle.set(CURLOPT_XOAUTH2_BEARER, password)
        }
    }

    /// `application/x-www-form-urlencoded` encoding of one value.
    static func formEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// The string or number at top-level `key` of a JSON body, if any.
    static func messageID(in body: [UInt8], key: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let text = object[key] as? String { return text }
        if let number = object[key] as? NSNumber { return number.stringValue }
        return nil
    }

    /// The first 200 characters of a response body, on one line, with `...` when cut.
    static func excerpt(_ body: [UInt8]) -> String {
        // 800 bytes hold at least 200 whole characters of up to 4 bytes each.
        let text = String(decoding: body.prefix(800), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        return text.count > 200 || body.count > 800 ? String(text.prefix(200)) + "..." : text
    }
}
