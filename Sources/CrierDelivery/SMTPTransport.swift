import CCurl
import CrierCore
import Foundation
import Synchronization

/// Delivers email over SMTP with libcurl: `smtp://` with STARTTLS (required unless `tls: none`,
/// never a silent downgrade) or `smtps://`; certificates always verified. libcurl opens the
/// connection and logs in; the mail transactions run on it in `SMTPSession` (pipelined when
/// the server offers PIPELINING), and the connection is reused across messages. A message with
/// several envelope recipients is sent in one transaction per recipient, so a recipient
/// refused at RCPT fails alone.
///
/// Outcomes: 2xx → delivered; a 5xx at RCPT or after DATA → permanent for that recipient, with
/// the server's reply line; 4xx and a dropped connection → transient. Faults that are no
/// recipient's (credentials refused, TLS, STARTTLS missing, the sender refused, a missing
/// secret, a server refusing, unreachable or silent) → `unavailable`, for the whole transport.
/// The password is read when the first message goes out and never appears in errors.
package final class SMTPTransport: Transport {
    /// Connect and per-transaction limits.
    package typealias Timeouts = TransportTimeouts

    /// Where and how to connect.
    package let settings: SMTPSettings
    /// Time limits.
    package let timeouts: Timeouts
    private let environment: [String: String]
    /// The open connection, made on first use and again after a failure closed it.
    private var session: SMTPSession?
    /// Where hand-overs are recorded while a message goes out.
    private lazy var recorder = HandOverRecorder(lingers: settings.connections == 1)
    /// Recipients already accepted per item, so an in-run retry after a partial failure does
    /// not send twice to those that got it.
    private var accepted: [String: Set<String>] = [:]

    /// A transport for `settings`; `environment` is where `password_env` is looked up.
    package init(settings: SMTPSettings, timeouts: Timeouts = Timeouts(),
                 environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.settings = settings
        self.timeouts = timeouts
        self.environment = environment
    }

    /// `smtp`.
    package var name: String { "smtp" }

    /// Sends an email; an SMS is refused (the email gateway turns SMS into email first).
    package func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        guard case .email(let itemID, let email) = message else {
            return .permanent("smtp: cannot deliver an SMS; use sms.transport email-gateway")
        }
        return send(email, itemID: itemID, handOver: handOver).redacted
    }

    /// SMTP cannot tell whether a message went out before a crash.
    package func reconcile(itemID: String, channel: Channel) -> Bool? { nil }

    /// Sends `email` to every envelope recipient (To, Cc, Bcc, archive); Bcc and the archive are
    /// not in the header. MAIL FROM is the envelope sender (`envelope_from`, else From).
    /// `handOver` runs once, before the first transaction's last byte.
    package func send(_ email: EmailMessage, itemID: String, handOver: @escaping () -> Bool = { true }) -> DeliveryOutcome {
        let recipients = email.envelopeRecipients
        guard !recipients.isEmpty else { return .permanent("smtp: the message has no recipient") }
        let password: String?
        switch self.password {
        case .success(let value): password = value
        case .failure(let problem): return .unavailable(TransportFault(.configuration, problem.message))
        }
        if let refusal { return .transient(refusal.message) }
        // Over a pipelining connection the hand-over is recorded on the recorder thread while
        // this one builds the message, sends the envelope and the body: its commit and sync are
        // the longest part of a message, and the body's terminator waits for them. Otherwise it
        // is recorded once DATA is accepted. Either way the record is made once, and waited for
        // before this returns.
        // With several connections their senders and recorders need the processors: only a
        // lone sender spins.
        let record = HandOverRecord(handOver, spins: settings.connections == 1)
        defer { record.finish() }
        if session?.pipelining == true { record.start(on: recorder) }
        let bytes: [UInt8]
        do {
            bytes = try email.serialize(includeBcc: false)
        } catch {
            return .permanent(error.message)
        }

        var done = accepted[itemID] ?? []
        var rejected: [String] = []
        var deferred: [String] = []
        var providerID: String?
        for recipient in recipients where !done.contains(recipient) {
            let result = transact(bytes, from: email.envelopeSender, to: recipient, password: password, handOver: record.answer)
            if result.code == CURLE_ABORTED_BY_CALLBACK {
                accepted[itemID] = done.isEmpty ? nil : done
                return .unmarked
            }
            if let fault = fault(of: result, sender: email.envelopeSender) {
                accepted[itemID] = done.isEmpty ? nil : done
                return .unavailable(fault)
            }
            if result.ok {
                done.insert(recipient)
                providerID = providerID ?? Self.queueID(result.lastReply)
                continue
            }
            let text = describe(result, recipient: recipient)
            if (500..<600).contains(result.responseCode) {
                rejected.append(text)
            } else {
                deferred.append(text)
                // No reply at all: the server is unreachable; the others would wait in vain.
                if result.responseCode == 0 || !(400..<500).contains(result.responseCode) { break }
            }
        }
        let others = done.isEmpty ? "" : "; delivered to \(done.count) other recipient(s)"
        if !deferred.isEmpty {
            accepted[itemID] = done
            return .transient((deferred + rejected).joined(separator: "; ") + others)
        }
        accepted[itemID] = nil
        if !rejected.isEmpty {
            return .permanent(rejected.joined(separator: "; ") + others)
        }
        return .delivered(providerID: providerID)
    }

    /// A fault of the whole transport in `result`: libcurl's connection, TLS and login
    /// faults, or the server refusing the sender (MAIL FROM), which no recipient can fix.
    private func fault(of result: CurlHandle.Result, sender: String) -> TransportFault? {
        let server = "email.smtp \(settings.url)"
        if let fault = result.fault(server: server) { return fault }
        guard result.errorText.hasPrefix("MAIL failed"), (500..<600).contains(result.responseCode) else { return nil }
        let reply = result.lastRefusal ?? "\(result.responseCode)"
        if result.responseCode == 530 {
            return TransportFault(.configuration, "\(server): the server refused MAIL FROM with \(reply): it wants STARTTLS (set tls: required) or a login (set username and password_env)")
        }
        return TransportFault(.configuration, "\(server): the server refused the sender <\(sender)> with \(reply). Check email.from and the server's relay rules")
    }

    /// The error text of a failed transaction: the server's reply when it gave one, else libcurl's.
    private func describe(_ result: CurlHandle.Result, recipient: String) -> String {
        if (400..<600).contains(result.responseCode), let reply = result.lastRefusal, reply.hasPrefix(String(result.responseCode)) {
            return "smtp <\(recipient)>: \(reply)"
        }
        var text = "smtp \(Redaction.redact(settings.url)): \(result.errorText)"
        if result.responseCode > 0 { text += " (last reply \(result.responseCode))" }
        return text
    }

    /// Runs one transaction on the open session, connecting first when there is none. A
    /// reused connection found dead before the server answered anything of the transaction
    /// (closed while idle) is replaced once and the transaction retried.
    private func transact(_ bytes: [UInt8], from sender: String, to recipient: String, password: String?,
                          handOver: () -> Bool) -> CurlHandle.Result {
        var retried = false
        while true {
            let reused = session != nil
            if session == nil {
                let opened = connect(password: password)
                guard let fresh = opened.session else { return opened.result }
                session = fresh
            }
            guard let current = session else { continue }
            let transaction = current.send(bytes, from: sender, to: recipient, timeout: timeouts.total, handOver: handOver)
            if !current.isOpen { session = nil }
            guard transaction.stale, reused, !retried else { return transaction.result }
            session = nil
            retried = true
        }
    }

    /// A new session: libcurl connects and says EHLO, STARTTLS and AUTH. Else nil and the
    /// failed result.
    private func connect(password: String?) -> (session: SMTPSession?, result: CurlHandle.Result) {
        guard let handle = Self.handle(settings: settings, timeouts: timeouts) else {
            return (nil, CurlHandle.Result(code: CURLE_FAILED_INIT, responseCode: 0, errorText: "libcurl could not start",
                                           lastReply: nil, lastRefusal: nil, replies: [], body: []))
        }
        handle.set(CURLOPT_USERNAME, settings.username)
        handle.set(CURLOPT_PASSWORD, settings.username == nil ? nil : password)
        return SMTPSession.open(handle)
    }

    /// A handle for `settings`' server with its TLS policy (`crier doctor` uses it too).
    static func handle(settings: SMTPSettings, timeouts: Timeouts) -> CurlHandle? {
        guard let handle = CurlHandle(url: settings.url, caFile: settings.caFile, timeouts: timeouts) else { return nil }
        let implicitTLS = settings.url.lowercased().hasPrefix("smtps://")
        handle.set(CURLOPT_USE_SSL, implicitTLS || settings.tls == .required ? crier_curl_use_ssl_all : crier_curl_use_ssl_none)
        return handle
    }

    /// The password from its source, read once when the first message goes out; nil when no
    /// AUTH is configured.
    private lazy var password: Swift.Result<String?, SecretProblem> = {
        guard settings.username != nil, let source = settings.password else { return .success(nil) }
        return SecretProblem.read(source, environment: environment, owner: "email.smtp")
    }()

    /// Why the settings must not be used (a password in the URL, credentials in clear text), or
    /// nil; the settings never change, so it is worked out once.
    private lazy var refusal: SecretProblem? = {
        let plainText = settings.tls == .none && !settings.url.lowercased().hasPrefix("smtps://")
        return SecretProblem.refusal(url: settings.url, credentials: settings.username != nil, plainText: plainText, owner: "email.smtp")
    }()

    /// `queued as X` from a final reply (postfix and most MTAs say so), else nil.
    static func queueID(_ reply: String?) -> String? {
        guard let reply else { return nil }
        let bytes = Array(reply.utf8)
        let marker = Array("queued as ".utf8)
        // ASCII letters compared without case (an SMTP reply is ASCII), anything else exactly.
        let lower = { (byte: UInt8) in (65...90).contains(byte) ? byte + 32 : byte }
        guard bytes.count >= marker.count,
              let start = (0...(bytes.count - marker.count)).first(where: { start in
                  marker.indices.allSatisfy { lower(bytes[start + $0]) == marker[$0] }
              }) else { return nil }
        let id = String(decoding: bytes[(start + marker.count)...], as: UTF8.self).prefix { !$0.isWhitespace }
        return id.isEmpty ? nil : String(id)
    }
}

/// One message's hand-over record: made on a recorder thread once `start` is called (the
/// sender goes on meanwhile), or on the sender's thread when `answer` is asked first. It is
/// made once; `answer` waits for it.
final class HandOverRecord: @unchecked Sendable {
    private let handOver: () -> Bool
    private let done = DispatchSemaphore(value: 0)
    /// Set by the recorder thread before `done` is signalled: the sender looks at it for a while
    /// before it sleeps on `done`.
    private let ready = Atomic<Bool>(false)
    /// Whether the sender looks for the record before it sleeps.
    private let spins: Bool
    private var started = false
    /// The answer, once the sender's thread has it.
    private var result: Bool?
    /// Written by the recorder thread before `done` is signalled.
    private var recorded = false

    /// `spins`: the sender looks for the record a while before it sleeps (see `answer`).
    init(_ handOver: @escaping () -> Bool, spins: Bool) {
        self.handOver = handOver
        self.spins = spins
    }

    /// Makes the record on `recorder` (once).
    func start(on recorder: HandOverRecorder) {
        guard !started, result == nil else { return }
        started = true
        recorder.start(make: { [self] in recorded = handOver() },
                       then: { [self] in
                           ready.store(true, ordering: .releasing)
                           done.signal()
                       })
    }

    /// Whether the hand-over is recorded: the record started, waited for, or made now.
    func answer() -> Bool {
        if let result { return result }
        if started {
            // Waiting for the record is mostly waiting for its sync; woken from a semaphore, the
            // sender starts again some microseconds after the record is made. A lone sender
            // looks for the record for up to 0.4 ms first (docs/benchmarks.md, "The hand-over
            // recorded while the message goes").
            if spins {
                let deadline = DispatchTime.now().uptimeNanoseconds + 400_000
                while !ready.load(ordering: .acquiring), DispatchTime.now().uptimeNanoseconds < deadline {}
            }
            done.wait()
            result = recorded
        } else {
            result = handOver()
        }
        return result ?? false
    }

    /// Waits for a record still being made (its caller reads what the record changed).
    func finish() {
        if started, result == nil { _ = answer() }
    }
}

/// The thread a connection's hand-over records are made on: a serial queue. When it `lingers`
/// (a lone connection), the queue's thread looks for the next record for up to 0.2 ms after
/// each one, so that the next message's record starts without waking a thread: the sender
/// starts it right after the message's final reply, a round trip after the last record.
final class HandOverRecorder: @unchecked Sendable {
    private typealias Job = (make: @Sendable () -> Void, then: @Sendable () -> Void)
    private static let idle = 0, busy = 1, waiting = 2, handed = 3

    private let queue = DispatchQueue(label: "crier.smtp.hand-over")
    private let lingers: Bool
    /// `idle`: no block of ours on the queue; `busy`: one is making a record; `waiting`: it looks
    /// for the next; `handed`: the next is in `next`.
    private let state = Atomic<Int>(0)
    private let lock = NSLock()
    private var next: Job?

    init(lingers: Bool) { self.lingers = lingers }

    /// Runs `make` on the recorder thread, then `then` (which tells the sender the record is made).
    func start(make: @escaping @Sendable () -> Void, then: @escaping @Sendable () -> Void) {
        if lingers {
            lock.withLock { next = (make, then) }
            if state.compareExchange(expected: Self.waiting, desired: Self.handed, ordering: .acquiringAndReleasing).exchanged { return }
            lock.withLock { next = nil }
        }
        queue.async { [self] in run((make, then)) }
    }

    private func run(_ first: Job) {
        var job = first
        while true {
            state.store(Self.busy, ordering: .relaxed)
            job.make()
            guard lingers else {
                job.then()
                return
            }
            // Waiting from before the sender learns the record is made: its next `start` finds it so.
            state.store(Self.waiting, ordering: .releasing)
            job.then()
            let deadline = DispatchTime.now().uptimeNanoseconds + 200_000
            while state.load(ordering: .acquiring) == Self.waiting, DispatchTime.now().uptimeNanoseconds < deadline {}
            if state.compareExchange(expected: Self.waiting, desired: Self.idle, ordering: .acquiringAndReleasing).exchanged { return }
            // Handed over (while looking, or as it gave up).
            guard let handed = lock.withLock({ next }) else { return }
            job = handed
        }
    }
}
