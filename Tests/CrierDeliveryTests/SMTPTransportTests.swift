import CrierTestSupport
import Foundation
import Testing
@testable import CrierCore
@testable import CrierDelivery

@Suite("SMTP transport against a real aiosmtpd server")
struct SMTPTransportTests {
    static let password = "s3cret-Pa55"

    func settings(_ server: SMTPTestServer, tls: SMTPSettings.TLS = .none, username: String? = nil,
                  password: SecretSource? = nil, caFile: String? = nil, url: String? = nil) -> SMTPSettings {
        SMTPSettings(url: url ?? server.url, tls: tls, username: username, password: password, caFile: caFile,
                     connections: 1, ratePerSecond: nil, maxPerDay: nil)
    }

    func message(to: [String] = ["mere@example.co.nz"], cc: [String] = [], bcc: [String] = [], id: String = "item1",
                 text: String = "Kia ora Mere,\nsee you on Tuesday.") throws -> EmailMessage {
        EmailMessage(
            from: try Mailbox.parse("Acme Services <noreply@acme.example>"), to: try to.map(Mailbox.parse),
            cc: try cc.map(Mailbox.parse), bcc: try bcc.map(Mailbox.parse), replyTo: [],
            subject: "Your visit on Tuesday — Ōtāhuhu", date: Date(timeIntervalSince1970: 1_795_474_800),
            timeZone: TimeZone(identifier: "Pacific/Auckland")!, messageID: "\(id)@acme.example",
            text: text, html: nil)
    }

    @Test func deliversPlainWithHeadersIntactAndBccOnlyInTheEnvelope() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        let outcome = transport.deliver(.email(itemID: "item1", try message(cc: ["office@acme.example"], bcc: ["audit@acme.example"])))
        #expect(outcome == .delivered(providerID: "Q000001"))
        let received = server.received()
        #expect(received.count == 3, "one transaction per recipient")
        #expect(Set(received.flatMap(\.recipients)) == ["mere@example.co.nz", "office@acme.example", "audit@acme.example"])
        for message in received {
            #expect(message.mailFrom == "noreply@acme.example")
            #expect(message.data.contains("Message-ID: <item1@acme.example>"))
            #expect(message.data.contains("To: mere@example.co.nz"))
            #expect(message.data.contains("Cc: office@acme.example"))
            #expect(message.data.contains("Subject: =?UTF-8?"))
            #expect(!message.data.contains("Bcc:"))
            #expect(!message.data.contains("audit@acme.example"))
        }
        #expect(Set(received.map(\.peerPort)).count == 1, "one connection for all transactions")
    }

    @Test func reusesTheConnectionAcrossMessages() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        for n in 0..<3 {
            #expect(transport.deliver(.email(itemID: "m\(n)", try message(id: "m\(n)"))) == .delivered(providerID: "Q00000\(n + 1)"))
        }
        let received = server.received()
        #expect(received.count == 3)
        #expect(Set(received.map(\.peerPort)).count == 1)
    }

    @Test func startTLSWithCAFileAndAuth() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile,
                                         "--require-starttls", "--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let transport = SMTPTransport(
            settings: settings(server, tls: .required, username: "crier", password: .environment("SMTP_PW"), caFile: certificates.caFile),
            environment: ["SMTP_PW": Self.password])
        #expect(transport.deliver(.email(itemID: "item1", try message())) == .delivered(providerID: "Q000001"))
        let received = server.received()
        #expect(received.count == 1)
        #expect(received.first?.tls == true)
        #expect(received.first?.authenticated == true)
    }

    @Test func implicitTLSWithSMTPS() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile, "--implicit-tls"])
        defer { server.stop() }
        let smtps = "smtps://127.0.0.1:\(server.port)"
        let transport = SMTPTransport(settings: settings(server, tls: .required, caFile: certificates.caFile, url: smtps))
        #expect(transport.deliver(.email(itemID: "item1", try message())) == .delivered(providerID: "Q000001"))
        #expect(server.received().first?.tls == true)
        // Without the CA the server's certificate is not trusted: nothing is sent.
        let untrusted = SMTPTransport(settings: settings(server, tls: .required, url: smtps)).deliver(.email(itemID: "i2", try message()))
        guard let text = fault(untrusted, .configuration) else { return }
        #expect(text.contains("the server's certificate is not trusted"), "\(text)")
        #expect(server.received().count == 1)
    }

    /// The message of a delivery-wide fault of `kind`; records an issue otherwise.
    func fault(_ outcome: DeliveryOutcome, _ kind: TransportFault.Kind, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        guard case .unavailable(let fault) = outcome, fault.kind == kind else {
            Issue.record("expected a \(kind) fault, got \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        return fault.message
    }

    @Test func startTLSWithoutTheCAIsAConfigurationFaultAndNothingIsSent() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile])
        defer { server.stop() }
        let outcome = SMTPTransport(settings: settings(server, tls: .required)).deliver(.email(itemID: "i", try message()))
        guard let text = fault(outcome, .configuration) else { return }
        #expect(text.hasPrefix("email.smtp \(server.url): the server's certificate is not trusted: "), "\(text)")
        #expect(text.hasSuffix("Fix the server's certificate, or name its CA in ca_file"), "\(text)")
        #expect(server.received().isEmpty)
    }

    @Test func tlsRequiredButNoStartTLSOfferedIsAConfigurationFaultAndSendsNothing() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let outcome = SMTPTransport(settings: settings(server, tls: .required)).deliver(.email(itemID: "i", try message()))
        guard let text = fault(outcome, .configuration) else { return }
        #expect(text == "email.smtp smtp://127.0.0.1:\(server.port): the server does not offer STARTTLS, and tls is required: enable STARTTLS on the server or use smtps:// (port 465); crier never sends credentials or mail in clear text unless tls: none")
        #expect(server.received().isEmpty)
    }

    @Test func wrongPasswordIsAConfigurationFaultAndNeverShowsThePassword() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let folder = NSTemporaryDirectory() + "crier-pw-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "wrong-Pa55word\n".write(toFile: folder + "/pw", atomically: true, encoding: .utf8)
        let outcome = SMTPTransport(settings: settings(server, username: "crier", password: .file(folder + "/pw")))
            .deliver(.email(itemID: "i", try message()))
        guard let text = fault(outcome, .configuration) else { return }
        #expect(text.hasPrefix("email.smtp \(server.url): the server refused the username and password (535"), "\(text)")
        #expect(!text.contains("wrong-Pa55word"))
        #expect(!text.contains(Self.password))
        #expect(server.received().isEmpty)
    }

    @Test func missingPasswordVariableIsAConfigurationFaultAndNamesTheVariable() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let outcome = SMTPTransport(settings: settings(server, username: "crier", password: .environment("CRIER_TEST_NO_SUCH_PW")),
                                    environment: [:]).deliver(.email(itemID: "i", try message()))
        #expect(outcome == .unavailable(TransportFault(.configuration, "email.smtp: the password variable CRIER_TEST_NO_SUCH_PW is not set in the environment of crier")))
    }

    @Test func aPasswordInTheURLIsNeverUsedNorShown() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", "Url-Pw-m33"])
        defer { server.stop() }
        let url = "smtp://crier:Url-Pw-m33@127.0.0.1:\(server.port)"
        let outcome = SMTPTransport(settings: settings(server, url: url)).deliver(.email(itemID: "i", try message()))
        #expect(outcome == .transient("email.smtp: the url holds a password in its user-info; not used. Remove it and set password_env or password_file"))
        #expect(server.received().isEmpty)
    }

    @Test func credentialsInClearTextGoOnlyToThisMachine() throws {
        let server = try SMTPTestServer(["--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let environment = ["PW": Self.password]
        let remote = SMTPTransport(settings: settings(server, username: "crier", password: .environment("PW"), url: "smtp://mail.invalid:25"),
                                   environment: environment).deliver(.email(itemID: "i", try message()))
        #expect(remote == .transient("email.smtp: refusing to send credentials in clear text to mail.invalid; use TLS (see `crier validate`)"))
        let local = SMTPTransport(settings: settings(server, username: "crier", password: .environment("PW"),
                                                     url: "smtp://localhost:\(server.port)"),
                                  environment: environment).deliver(.email(itemID: "i", try message()))
        #expect(local == .delivered(providerID: "Q000001"))
        #expect(server.received().map(\.authenticated) == [true])
    }

    @Test func aRecipientRejectedWith550FailsAloneAndTheOthersGetIt() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        let outcome = transport.deliver(.email(itemID: "i", try message(to: ["reject@example.net"], cc: ["office@acme.example"])))
        #expect(outcome == .permanent("smtp <reject@example.net>: 550 5.1.1 <reject@example.net>: mailbox unavailable; delivered to 1 other recipient(s)"))
        #expect(server.received().map(\.recipients) == [["office@acme.example"]])
        // The next message on the same transport still goes through.
        #expect(transport.deliver(.email(itemID: "j", try message(id: "j"))) == .delivered(providerID: "Q000002"))
    }

    @Test func a451IsTransientAndARetrySendsOnlyToThoseLeft() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        let email = try message(to: ["defer@example.net"], cc: ["office@acme.example"])
        let outcome = transport.deliver(.email(itemID: "i", email))
        #expect(outcome == .transient("smtp <defer@example.net>: 451 4.3.0 <defer@example.net>: try again later; delivered to 1 other recipient(s)"))
        _ = transport.deliver(.email(itemID: "i", email))
        #expect(server.received().count == 1, "office@ got it once")
    }

    @Test func a550AfterDataIsPermanent() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let outcome = SMTPTransport(settings: settings(server)).deliver(.email(itemID: "i", try message(to: ["refuse@example.net"])))
        #expect(outcome == .permanent("smtp <refuse@example.net>: 550 5.7.1 message refused by policy"))
    }

    @Test func aConnectionDroppedMidDataIsTransient() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        let outcome = transport.deliver(.email(itemID: "i", try message(to: ["drop@example.net"])))
        guard case .transient = outcome else {
            Issue.record("expected transient, got \(outcome)")
            return
        }
        // The transport reconnects for the next message.
        #expect(transport.deliver(.email(itemID: "j", try message(id: "j"))) == .delivered(providerID: "Q000001"))
    }

    @Test func aSlowServerBeyondTheTimeoutIsAnOutage() throws {
        let server = try SMTPTestServer(["--slow", "4"])
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server), timeouts: .init(connect: 1, total: 1))
        let started = Date()
        let outcome = transport.deliver(.email(itemID: "i", try message(to: ["slow@example.net"])))
        guard let text = fault(outcome, .outage) else { return }
        #expect(text.lowercased().contains("timeout") || text.contains("timed out"), "\(text)")
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test func connectionRefusedIsAnOutage() throws {
        let server = try SMTPTestServer()
        let url = server.url
        server.stop()
        let outcome = SMTPTransport(settings: settings(server, url: url)).deliver(.email(itemID: "i", try message()))
        guard let text = fault(outcome, .outage) else { return }
        #expect(text.hasPrefix("email.smtp \(url): "), "\(text)")
        #expect(text.hasSuffix("Is the server running and reachable from this machine?"), "\(text)")
    }

    @Test func aServerThatNeverGreetsCostsTheConnectTimeoutOnce() throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let url = "smtp://127.0.0.1:\(silent.port)"
        let transport = SMTPTransport(settings: SMTPSettings(url: url, tls: .none, username: nil, password: nil, caFile: nil,
                                                             connections: 1, ratePerSecond: nil, maxPerDay: nil),
                                      timeouts: .init(connect: 1, total: 30))
        let started = Date()
        let outcome = transport.deliver(.email(itemID: "i", try message()))
        let elapsed = Date().timeIntervalSince(started)
        guard let text = fault(outcome, .outage) else { return }
        #expect(text.hasPrefix("email.smtp \(url): "), "\(text)")
        #expect(text.contains("the server did not answer"), "\(text)")
        #expect(elapsed < 5, "the greeting waits for the connect timeout (1 s), not the message timeout (30 s): \(elapsed) s")
    }

    @Test func theHandOverIsMarkedBeforeTheLastByteAndARefusedMarkSendsNothing() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        var marks = 0
        let outcome = transport.deliver(.email(itemID: "i", try message(cc: ["office@acme.example"]))) {
            marks += 1
            #expect(server.received().isEmpty, "marked before the server has the message")
            return true
        }
        #expect(outcome == .delivered(providerID: "Q000001"))
        #expect(marks == 1, "one mark per item, however many recipients")
        #expect(transport.deliver(.email(itemID: "j", try message(id: "j"))) { false } == .unmarked)
        #expect(server.received().count == 2, "the message whose mark failed never arrived")
        #expect(transport.deliver(.email(itemID: "k", try message(id: "k"))) == .delivered(providerID: "Q000003"))
    }

    @Test func linesBeginningWithADotArriveIntact() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let text = ".hidden\n..two dots\n.\nthe line above is a lone dot\n."
        let outcome = SMTPTransport(settings: settings(server)).deliver(.email(itemID: "i", try message(text: text)))
        #expect(outcome == .delivered(providerID: "Q000001"))
        let data = try #require(server.received().first?.data)
        #expect(data.contains("\r\n.hidden\r\n..two dots\r\n.\r\nthe line above is a lone dot\r\n."), "\(data)")
    }

    @Test func aLargeMessageGoesThroughTLSInPieces() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile, "--pipelining"])
        defer { server.stop() }
        // About 4 MB: more than a socket takes at once, so the writes wait for the server.
        let lines = (0..<60_000).map { "line \($0): .a dot inside and the same words over and over again, to fill" }
        let transport = SMTPTransport(settings: settings(server, tls: .required, caFile: certificates.caFile))
        #expect(transport.deliver(.email(itemID: "i", try message(text: lines.joined(separator: "\n")))) == .delivered(providerID: "Q000001"))
        let data = try #require(server.received().first?.data)
        #expect(data.contains("\r\n\(lines[0])\r\n"))
        #expect(data.contains("\r\n\(lines[59_999])"))
        #expect(data.components(separatedBy: "\r\nline ").count == 60_001, "every line, once")
    }

    @Test func pipelinesMailRcptAndDataWhenTheServerOffersIt() throws {
        let server = try SMTPTestServer(["--pipelining"])
        defer { server.stop() }
        let transport = SMTPTransport(settings: settings(server))
        #expect(transport.deliver(.email(itemID: "i", try message(cc: ["office@acme.example"]))) == .delivered(providerID: "Q000001"))
        // A refusal among pipelined commands is read from the right reply, and RSET cleans up.
        let refused = transport.deliver(.email(itemID: "j", try message(to: ["reject@example.net"], cc: ["office@acme.example"], id: "j")))
        #expect(refused == .permanent("smtp <reject@example.net>: 550 5.1.1 <reject@example.net>: mailbox unavailable; delivered to 1 other recipient(s)"))
        #expect(transport.deliver(.email(itemID: "k", try message(id: "k"))) { false } == .unmarked)
        #expect(transport.deliver(.email(itemID: "l", try message(id: "l"))) == .delivered(providerID: "Q000004"))
        // The hand-over is recorded while the server answers the envelope: a refused recipient
        // follows a recorded hand-over, and the outcome says what happened.
        var marks = 0
        let alone = transport.deliver(.email(itemID: "m", try message(to: ["reject@example.net"], id: "m"))) {
            marks += 1
            return true
        }
        #expect(alone == .permanent("smtp <reject@example.net>: 550 5.1.1 <reject@example.net>: mailbox unavailable"))
        #expect(marks == 1)
        let received = server.received()
        #expect(received.map(\.recipients) == [["mere@example.co.nz"], ["office@acme.example"], ["office@acme.example"], ["mere@example.co.nz"]])
        #expect(received.map(\.mailChunkCommands) == [3, 3, 3, 3], "MAIL FROM, RCPT TO and DATA in one write")

        // A server without PIPELINING gets one command at a time, and the hand-over once DATA is accepted.
        let plain = try SMTPTestServer()
        defer { plain.stop() }
        let one = SMTPTransport(settings: settings(plain))
        #expect(one.deliver(.email(itemID: "i", try message())) == .delivered(providerID: "Q000001"))
        #expect(plain.received().map(\.mailChunkCommands) == [1])
        marks = 0
        _ = one.deliver(.email(itemID: "m", try message(to: ["reject@example.net"], id: "m"))) {
            marks += 1
            return true
        }
        #expect(marks == 0, "a refused recipient: nothing was handed over")
    }

    @Test func pipelinesAfterStartTLSAndAuth() throws {
        let certificates = try TestCertificates()
        let server = try SMTPTestServer(["--tlscert", certificates.certFile, "--tlskey", certificates.keyFile, "--pipelining",
                                         "--require-starttls", "--user", "crier", "--password", Self.password])
        defer { server.stop() }
        let transport = SMTPTransport(
            settings: settings(server, tls: .required, username: "crier", password: .environment("SMTP_PW"), caFile: certificates.caFile),
            environment: ["SMTP_PW": Self.password])
        for n in 0..<2 {
            #expect(transport.deliver(.email(itemID: "m\(n)", try message(id: "m\(n)"))) == .delivered(providerID: "Q00000\(n + 1)"))
        }
        let received = server.received()
        #expect(received.map(\.tls) == [true, true])
        #expect(received.map(\.authenticated) == [true, true])
        #expect(received.map(\.mailChunkCommands) == [3, 3])
        #expect(Set(received.map(\.peerPort)).count == 1)
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedAndTheMessageGoesOnce() throws {
        for pipelining in [false, true] {
            let server = try SMTPTestServer(["--idle-timeout", "0.5"] + (pipelining ? ["--pipelining"] : []))
            defer { server.stop() }
            let transport = SMTPTransport(settings: settings(server))
            #expect(transport.deliver(.email(itemID: "i", try message())) == .delivered(providerID: "Q000001"))
            Thread.sleep(forTimeInterval: 1.2)
            var marks = 0
            let outcome = transport.deliver(.email(itemID: "j", try message(id: "j"))) {
                marks += 1
                return true
            }
            #expect(outcome == .delivered(providerID: "Q000002"), "pipelining: \(pipelining)")
            #expect(marks == 1)
            let received = server.received()
            #expect(received.count == 2)
            #expect(Set(received.map(\.peerPort)).count == 2, "a new connection for the second message")
        }
    }

    @Test func theDataSectionDoublesEachLeadingDotAndEndsWithTheTerminator() {
        // Against the rule applied a byte at a time, over random texts rich in dots and line ends.
        func reference(_ message: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var lineStart = true
            for byte in message {
                if lineStart, byte == UInt8(ascii: ".") { out.append(byte) }
                out.append(byte)
                lineStart = byte == UInt8(ascii: "\n")
            }
            if !out.isEmpty, !(out.count >= 2 && out.suffix(2).elementsEqual([13, 10])) { out += [13, 10] }
            return out + Array(".\r\n".utf8)
        }
        var random = SplitMix64(state: 7)
        let alphabet = Array(".\r\na .".utf8)
        for length in [0, 1, 2, 3, 5, 64, 1000] {
            for _ in 0..<200 {
                let message = (0..<length).map { _ in alphabet[random.next(alphabet.count)] }
                #expect(SMTPSession.dataSection(message) == reference(message), "\(message)")
            }
        }
        #expect(SMTPSession.dataSection(Array(".a\r\n.\r\nb".utf8)) == Array("..a\r\n..\r\nb\r\n.\r\n".utf8))
    }

    @Test func aHandOverRecordIsAnsweredAsMadeWhetherTheSenderSpinsOrSleeps() {
        // A record quicker than the spin (found while spinning), one slower (the sender sleeps
        // after 0.4 ms), one never started (made on the sender's thread): each made once, each
        // answered with what it returned.
        for spins in [true, false] {
            let recorder = HandOverRecorder(lingers: spins)
            for (delay, made) in [(0, true), (0, false), (5_000, true), (5_000, false)] {
                let calls = Counter()
                let record = HandOverRecord({
                    calls.add()
                    usleep(useconds_t(delay))
                    return made
                }, spins: spins)
                record.start(on: recorder)
                #expect(record.answer() == made, "spins \(spins), delay \(delay) µs")
                #expect(record.answer() == made)
                record.finish()
                #expect(calls.value == 1)
            }
            let calls = Counter()
            let unstarted = HandOverRecord({ calls.add(); return true }, spins: spins)
            #expect(unstarted.answer())
            unstarted.finish()
            #expect(calls.value == 1)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aLingeringRecorderMakesEachRecordOnceInOrderWhenHandedOrWokenAgain() {
        // Records one after another with gaps shorter and longer than the recorder's 0.2 ms of
        // looking: each is handed to the waiting thread or queued anew, and none is lost, made
        // twice or made out of turn.
        for lingers in [true, false] {
            let recorder = HandOverRecorder(lingers: lingers)
            let made = Counter()
            var random = SplitMix64(state: 11)
            for index in 0..<300 {
                let record = HandOverRecord({
                    let before = made.value
                    made.add()
                    return before == index
                }, spins: lingers)
                record.start(on: recorder)
                #expect(record.answer(), "record \(index) made in turn (lingers \(lingers))")
                record.finish()
                usleep(useconds_t([0, 0, 50, 150, 250, 1_000][random.next(6)]))
            }
            #expect(made.value == 300)
        }
    }

    @Test func findsQueueIDs() {
        #expect(SMTPTransport.queueID("250 2.0.0 Ok: queued as 4Xy7 extra") == "4Xy7")
        #expect(SMTPTransport.queueID("250 OK") == nil)
        #expect(SMTPTransport.queueID("250 2.0.0 OK QUEUED AS A1B2") == "A1B2")
        #expect(SMTPTransport.queueID("250 queued as ") == nil)
        #expect(SMTPTransport.queueID("250 queued\u{0}as X") == nil)
    }
}

/// Counts calls from any thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
