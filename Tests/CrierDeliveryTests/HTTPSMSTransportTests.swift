import CrierTestSupport
import Foundation
import Testing
@testable import CrierCore
@testable import CrierDelivery

@Suite("HTTP SMS gateway transport against a real HTTP server")
struct HTTPSMSTransportTests {
    /// A token with a colon, a slash and non-ASCII, as gateway secrets may have.
    static let password = "t0k:en/Pa55-€"
    static let accountSID = "AC0123456789abcdef"
    /// A body with everything form encoding must get right: spaces, `+`, `&`, `=`, `%`, UTF-8, a newline.
    static let awkwardBody = "Kia ora Mere — Ōtāhuhu clinic 10:30 & parking + café = 100% sorted?\nReply STOP to opt out"

    func twilio(_ server: HTTPGatewayTestServer, from: String? = "+6498765432",
                password: SecretSource? = .environment("TWILIO_TOKEN")) -> HTTPGatewaySettings {
        HTTPGatewaySettings(url: server.url("/2010-04-01/Accounts/\(Self.accountSID)/Messages.json"), format: .twilio,
                            username: Self.accountSID, password: password, from: from)
    }

    func json(_ server: HTTPGatewayTestServer, username: String? = nil, from: String? = "Acme",
              password: SecretSource? = .environment("GW_TOKEN"), url: String? = nil) -> HTTPGatewaySettings {
        HTTPGatewaySettings(url: url ?? server.url("/v1/sms"), format: .json, username: username, password: password, from: from)
    }

    func transport(_ settings: HTTPGatewaySettings, timeouts: TransportTimeouts = .init(connect: 5, total: 10),
                   environment: [String: String] = ["TWILIO_TOKEN": password, "GW_TOKEN": password]) -> HTTPSMSTransport {
        HTTPSMSTransport(settings: settings, timeouts: timeouts, environment: environment)
    }

    func sms(_ to: String = "+64211234567", _ body: String = awkwardBody, id: String = "item1") -> OutboundMessage {
        .sms(itemID: id, SMSMessage(recipient: to, body: body, segments: 2, encoding: "UCS-2"))
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The text of a transient or permanent outcome, after checking the kind; records an issue otherwise.
    func text(of outcome: DeliveryOutcome, transient: Bool, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        switch outcome {
        case .transient(let text) where transient: return text
        case .permanent(let text) where !transient: return text
        default:
            Issue.record("expected \(transient ? "transient" : "permanent"), got \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The text of a delivery-wide fault of `kind`; records an issue otherwise.
    func text(of outcome: DeliveryOutcome, fault kind: TransportFault.Kind, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard case .unavailable(let fault) = outcome, fault.kind == kind else {
            Issue.record("expected a \(kind) fault, got \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        return fault.message
    }

    /// Whether any part of the secret shows in `text` (whole, or either side of its colon).
    func leaks(_ text: String) -> Bool {
        text.contains(Self.password) || text.contains("t0k") || text.contains("en/Pa55")
            || text.contains(Data(Self.password.utf8).base64EncodedString())
    }

    // MARK: twilio

    @Test func twilioPostsTheExactFormWithBasicAuthAndReturnsTheSid() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(twilio(server)).deliver(sms())
        #expect(outcome == .delivered(providerID: "SM00000000000000000000000000000001"))
        let requests = server.requests()
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.method == "POST")
        #expect(request.path == "/2010-04-01/Accounts/\(Self.accountSID)/Messages.json")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.header("Authorization") == Self.basic(Self.accountSID, Self.password))
        #expect(request.form.map(\.0) == ["To", "From", "Body"])
        #expect(request.form.map(\.1) == ["+64211234567", "+6498765432", Self.awkwardBody])
        // The wire form: `+` and `&` percent-encoded, spaces as `+`, UTF-8 bytes as %XX.
        #expect(request.body.hasPrefix("To=%2B64211234567&From=%2B6498765432&Body=Kia+ora+Mere+%E2%80%94+%C5%8Ct%C4%81huhu+clinic+10%3A30+%26+parking+%2B+caf%C3%A9+%3D+100%25+sorted%3F%0AReply+STOP"),
                "\(request.body)")
        #expect(!request.body.contains(Self.password))
    }

    @Test func twilioWithoutFromSendsOnlyToAndBody() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(twilio(server, from: nil)).deliver(sms(id: "x"))
        #expect(outcome == .delivered(providerID: "SM00000000000000000000000000000001"))
        #expect(server.requests().map { $0.form.map(\.0) } == [["To", "Body"]])
    }

    @Test func aPasswordFileHasItsTrailingNewlineDropped() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let folder = NSTemporaryDirectory() + "crier-http-pw-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try (Self.password + "\n").write(toFile: folder + "/token", atomically: true, encoding: .utf8)
        let outcome = transport(twilio(server, password: .file(folder + "/token")), environment: [:]).deliver(sms())
        #expect(outcome == .delivered(providerID: "SM00000000000000000000000000000001"))
        #expect(server.requests().first?.header("Authorization") == Self.basic(Self.accountSID, Self.password))
    }

    @Test func aLongUnicodeSMSArrivesWhole() throws {
        // Over 1 KiB once encoded: libcurl may send Expect: 100-continue.
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let body = String(repeating: "Ōtāhuhu — ngā mihi 🌿 & + = % ", count: 30)
        let started = Date()
        let outcome = transport(twilio(server)).deliver(sms("+64211234567", body))
        #expect(outcome == .delivered(providerID: "SM00000000000000000000000000000001"))
        #expect(server.requests().first?.form.last?.1 == body)
        #expect(Date().timeIntervalSince(started) < 2)
    }

    // MARK: json

    @Test func jsonPostsTheFieldsWithABearerTokenAndReturnsTheID() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let body = "Quote \" backslash \\ tab\tline\nsep\u{2028}emoji 🎉 Ō"
        let outcome = transport(json(server)).deliver(sms("+61412000111", body, id: "2026-11-24T17:00:00+13:00/visit/42"))
        #expect(outcome == .delivered(providerID: "msg-1"))
        let requests = server.requests()
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.path == "/v1/sms")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Accept") == "application/json")
        #expect(request.header("Authorization") == "Bearer \(Self.password)")
        let object = try #require(request.json, "\(request.body)")
        #expect(Set(object.keys) == ["to", "from", "body", "reference"])
        #expect(object["to"] as? String == "+61412000111")
        #expect(object["from"] as? String == "Acme")
        #expect(object["body"] as? String == body)
        #expect(object["reference"] as? String == "2026-11-24T17:00:00+13:00/visit/42")
    }

    @Test func jsonWithAUsernameUsesBasicAuthAndNoFrom() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(json(server, username: "acme", from: nil)).deliver(sms())
        #expect(outcome == .delivered(providerID: "msg-1"))
        let request = try #require(server.requests().first)
        #expect(request.header("Authorization") == Self.basic("acme", Self.password))
        #expect(request.json.map { Set($0.keys) } == ["to", "body", "reference"])
    }

    @Test func jsonWithoutAnyCredentialSendsNoAuthorization() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        #expect(transport(json(server, password: nil)).deliver(sms()) == .delivered(providerID: "msg-1"))
        let request = try #require(server.requests().first)
        #expect(request.header("Authorization") == nil)
    }

    @Test func oneTransportReusesItsConnectionAndSendsEachHeaderOnce() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let transport = transport(json(server))
        let outcomes = (1...3).map { transport.deliver(sms("+6421000000\($0)", "message \($0)", id: "m\($0)")) }
        #expect(outcomes == [.delivered(providerID: "msg-1"), .delivered(providerID: "msg-2"), .delivered(providerID: "msg-3")])
        let requests = server.requests()
        #expect(requests.map { $0.json?["body"] as? String } == ["message 1", "message 2", "message 3"])
        #expect(requests.map { $0.json?["reference"] as? String } == ["m1", "m2", "m3"])
        #expect(Set(requests.map(\.peerPort)).count == 1, "one connection for all requests")
        for request in requests {
            for name in ["content-type", "authorization", "accept"] {
                #expect(request.headers.filter { $0.name.lowercased() == name }.count == 1, "\(name) in \(request.headers)")
            }
        }
    }

    @Test func a2xxWithoutABodyIsDeliveredWithoutAnID() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        #expect(transport(json(server)).deliver(sms("+64210000204")) == .delivered(providerID: nil))
        #expect(server.requests().count == 1)
    }

    // MARK: refusals

    @Test func a429IsTransientWithTheServersText() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(twilio(server)).deliver(sms("+64210000429"))
        guard let text = text(of: outcome, transient: true) else { return }
        #expect(text.hasPrefix("http: gateway answered 429: "), "\(text)")
        #expect(text.contains("Too Many Requests"), "\(text)")
        #expect(!leaks(text), "\(text)")
    }

    @Test func a503IsTransient() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(json(server)).deliver(sms("+64210000503"))
        guard let text = text(of: outcome, transient: true) else { return }
        #expect(text.hasPrefix("http: gateway answered 503: "), "\(text)")
        #expect(text.contains("Service Unavailable"), "\(text)")
        #expect(!leaks(text), "\(text)")
    }

    @Test func a400IsPermanentWithTheServersErrorAndNoPassword() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let transport = transport(twilio(server))
        let outcome = transport.deliver(sms("+64210000400"))
        guard let text = text(of: outcome, transient: false) else { return }
        #expect(text.hasPrefix("http: gateway answered 400: "), "\(text)")
        #expect(text.contains("21211"), "\(text)")
        #expect(text.contains("The 'To' number +64210000400 is not a valid phone number."), "\(text)")
        #expect(!leaks(text), "\(text)")
        // The next message on the same transport still goes through.
        #expect(transport.deliver(sms(id: "j")) == .delivered(providerID: "SM00000000000000000000000000000002"))
    }

    @Test func a401IsAConfigurationFaultOfTheWholeGateway() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(json(server)).deliver(sms("+64210000401"))
        guard let text = text(of: outcome, fault: .configuration) else { return }
        #expect(text.hasPrefix("sms.http http://127.0.0.1:\(server.port)/v1/sms: the gateway refused the credentials (401): "), "\(text)")
        #expect(text.hasSuffix("Check sms.http.username and the password's source (password_env or password_file)"), "\(text)")
        #expect(!leaks(text), "\(text)")
    }

    @Test func connectionRefusedIsAnOutageAndShowsNoCredentials() throws {
        let server = try HTTPGatewayTestServer()
        let url = "http://127.0.0.1:\(server.port)/v1/sms?api_key=urlsecret&x=1"
        server.stop()
        let outcome = transport(json(server, url: url)).deliver(sms())
        guard let text = text(of: outcome, fault: .outage) else { return }
        #expect(text.hasPrefix("sms.http http://127.0.0.1:\(server.port)/v1/sms?api_key=***&x=***: "), "\(text)")
        #expect(text.hasSuffix("Is the server running and reachable from this machine?"), "\(text)")
        #expect(!text.contains("urlsecret"), "\(text)")
        #expect(!leaks(text), "\(text)")
    }

    @Test func aPasswordInTheURLOrCredentialsInClearTextAreRefusedBeforeAnyRequest() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let withPassword = "http://\(Self.accountSID):urlsecret@127.0.0.1:\(server.port)/v1/sms"
        #expect(transport(json(server, url: withPassword)).deliver(sms())
            == .transient("sms.http: the url holds a password in its user-info; not used. Remove it and set password_env or password_file"))
        #expect(transport(json(server, url: "http://gw.invalid/v1/sms")).deliver(sms())
            == .transient("sms.http: refusing to send credentials in clear text to gw.invalid; use TLS (see `crier validate`)"))
        #expect(server.requests().isEmpty)
    }

    @Test func aSlowServerBeyondTheTimeoutIsAnOutageAndTheNextMessageGoesThrough() throws {
        let server = try HTTPGatewayTestServer(["--slow", "4"])
        defer { server.stop() }
        let transport = transport(twilio(server), timeouts: .init(connect: 1, total: 1))
        let started = Date()
        let outcome = transport.deliver(sms("+64210000555"))
        let elapsed = Date().timeIntervalSince(started)
        guard let text = text(of: outcome, fault: .outage) else { return }
        #expect(text.lowercased().contains("timeout") || text.contains("timed out"), "\(text)")
        #expect(!leaks(text), "\(text)")
        #expect(elapsed < 3, "took \(elapsed) s")
        #expect(transport.deliver(sms(id: "j")) == .delivered(providerID: "SM00000000000000000000000000000002"))
    }

    @Test func aDroppedConnectionIsTransientAndTheNextMessageGoesThrough() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let transport = transport(json(server))
        let outcome = transport.deliver(sms("+64210000666"))
        guard let text = text(of: outcome, transient: true) else { return }
        #expect(text.hasPrefix("http http://127.0.0.1:\(server.port)/v1/sms: "), "\(text)")
        #expect(!leaks(text), "\(text)")
        #expect(transport.deliver(sms(id: "j")) == .delivered(providerID: "msg-2"))
    }

    @Test func aNumericIDIsReturnedAsText() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        #expect(transport(twilio(server)).deliver(sms("+64210000201")) == .delivered(providerID: "4242"))
        #expect(transport(json(server)).deliver(sms("+64210000201")) == .delivered(providerID: "4242"))
    }

    @Test func aLongNonASCIIErrorIsCutAt200CharactersAndMarked() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(json(server)).deliver(sms("+64210000422"))
        guard let text = text(of: outcome, transient: false) else { return }
        let prefix = "http: gateway answered 422: "
        #expect(text.hasPrefix(prefix + "{\"message\": \"Ko te nama waea +64210000422 kāore i te tika. 号码无效。"), "\(text)")
        #expect(text.hasSuffix("..."), "a cut excerpt says so: \(text)")
        #expect(text.count == prefix.count + 200 + 3, "\(text.count - prefix.count) characters: \(text)")
        #expect(!text.contains("\u{FFFD}"), "\(text)")
    }

    @Test func httpsToAnUnknownCertificateIsAConfigurationFaultAndSendsNothing() throws {
        let certificates = try TestCertificates()
        let server = try HTTPGatewayTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile])
        defer { server.stop() }
        let outcome = transport(json(server, url: "https://127.0.0.1:\(server.port)/v1/sms")).deliver(sms())
        guard let text = text(of: outcome, fault: .configuration) else { return }
        #expect(text.hasPrefix("sms.http https://127.0.0.1:\(server.port)/v1/sms: the server's certificate is not trusted: "), "\(text)")
        #expect(text.hasSuffix("Fix the server's certificate, or name its CA in ca_file"), "\(text)")
        #expect(server.requests().isEmpty)
    }

    @Test func aURLWithoutASchemeNeverSendsTheTokenInClear() throws {
        // libcurl guesses http:// for a bare host; the token must not go out unencrypted.
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(json(server, url: "127.0.0.1:\(server.port)/v1/sms")).deliver(sms())
        guard let text = text(of: outcome, fault: .configuration) else { return }
        #expect(text.contains("TLS handshake failed"), "\(text)")
        #expect(!leaks(text), "\(text)")
        #expect(server.requests().isEmpty, "sent in clear: \(server.requests().map(\.headers))")
    }

    @Test func aURLOfAnotherProtocolIsRefused() throws {
        let folder = NSTemporaryDirectory() + "crier-http-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "{\"id\": \"from-a-file\"}".write(toFile: folder + "/reply", atomically: true, encoding: .utf8)
        let settings = HTTPGatewaySettings(url: "file://" + folder + "/reply", format: .json, username: nil,
                                           password: .environment("GW_TOKEN"), from: nil)
        let outcome = transport(settings).deliver(sms())
        guard let text = text(of: outcome, transient: true) else { return }
        #expect(text.lowercased().contains("protocol"), "\(text)")
        #expect(!leaks(text), "\(text)")
    }

    @Test func aMissingPasswordVariableIsAConfigurationFaultNamesTheVariableAndSendsNothing() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let outcome = transport(twilio(server, password: .environment("CRIER_TEST_NO_SUCH_TOKEN")), environment: [:]).deliver(sms())
        #expect(outcome == .unavailable(TransportFault(.configuration, "sms.http: the password variable CRIER_TEST_NO_SUCH_TOKEN is not set in the environment of crier")))
        #expect(server.requests().isEmpty)
    }

    @Test func anEmailIsRefusedWithoutARequest() throws {
        let server = try HTTPGatewayTestServer()
        defer { server.stop() }
        let email = EmailMessage(from: Mailbox(address: "a@acme.example"), to: [Mailbox(address: "b@example.net")], subject: "s",
                                 date: Date(timeIntervalSince1970: 0), timeZone: TimeZone(identifier: "UTC")!,
                                 messageID: "i@acme.example", text: "t")
        #expect(transport(json(server)).deliver(.email(itemID: "i", email)) == .permanent("http: the SMS gateway cannot deliver an email"))
        #expect(server.requests().isEmpty)
    }
}

@Suite("Email-to-SMS gateway through a real SMTP transport and aiosmtpd")
struct EmailGatewaySMSTransportTests {
    static let sent = Date(timeIntervalSince1970: 1_795_474_800)

    func gateway(_ server: SMTPTestServer) throws -> EmailGatewaySMSTransport {
        let smtp = SMTPTransport(settings: SMTPSettings(url: server.url, tls: .none, username: nil, password: nil, caFile: nil,
                                                        connections: 1, ratePerSecond: nil, maxPerDay: nil))
        return EmailGatewaySMSTransport(domain: "sms.example.net", from: try Mailbox.parse("Acme Services <noreply@acme.example>"),
                                        email: smtp, clock: FixedClock(Self.sent),
                                        timeZone: TimeZone(identifier: "Pacific/Auckland")!)
    }

    /// Quoted-printable decoding (soft breaks and =XX), as UTF-8.
    static func quotedPrintableDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "="), index + 2 < input.count,
               let value = UInt8(String(decoding: input[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func anSMSBecomesAnEmailToDigitsAtTheDomain() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let body = "Kia ora Mere — Ōtāhuhu clinic 10:30 & parking + café = 100%\nReply STOP"
        let outcome = try gateway(server).deliver(.sms(itemID: "visit-42",
            SMSMessage(recipient: "+64211234567", body: body, segments: 2, encoding: "UCS-2")))
        #expect(outcome == .delivered(providerID: "Q000001"))
        let received = server.received()
        try #require(received.count == 1)
        let message = received[0]
        #expect(message.mailFrom == "noreply@acme.example")
        #expect(message.recipients == ["64211234567@sms.example.net"])
        let parts = message.data.components(separatedBy: "\r\n\r\n")
        let headers = parts[0].components(separatedBy: "\r\n")
        #expect(headers.contains("To: 64211234567@sms.example.net"), "\(headers)")
        #expect(headers.contains("Message-ID: <visit-42@acme.example>"), "\(headers)")
        #expect(headers.contains("Date: Tue, 24 Nov 2026 12:00:00 +1300"), "\(headers)")
        #expect(headers.contains("Content-Type: text/plain; charset=utf-8"), "\(headers)")
        let text = Self.quotedPrintableDecoded(parts.dropFirst().joined(separator: "\r\n\r\n"))
        #expect(text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .newlines) == body)
    }

    @Test func anEmailPassesStraightToTheEmailTransport() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let email = EmailMessage(from: try Mailbox.parse("noreply@acme.example"), to: [try Mailbox.parse("mere@example.co.nz")],
                                 subject: "Hello", date: Self.sent, timeZone: TimeZone(identifier: "UTC")!,
                                 messageID: "e1@acme.example", text: "Hello")
        #expect(try gateway(server).deliver(.email(itemID: "e1", email)) == .delivered(providerID: "Q000001"))
        #expect(server.received().map(\.recipients) == [["mere@example.co.nz"]])
    }

    @Test func anSMTPFailureComesBackAsItIs() throws {
        let server = try SMTPTestServer()
        let url = server.url
        server.stop()
        let outcome = try gateway(server).deliver(.sms(itemID: "i",
            SMSMessage(recipient: "+64211234567", body: "hi", segments: 1, encoding: "GSM-7")))
        guard case .unavailable(let fault) = outcome, fault.kind == .outage else {
            Issue.record("expected an outage, got \(outcome)")
            return
        }
        #expect(fault.message.hasPrefix("email.smtp \(url): "), "\(fault.message)")
    }
}
