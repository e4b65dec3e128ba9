/// A message ready for a transport.
package enum OutboundMessage: Sendable {
    /// An email; the transport serialises it (with or without Bcc) and derives the envelope.
    case email(itemID: String, EmailMessage)
    /// An SMS.
    case sms(itemID: String, SMSMessage)

    /// The plan item's id.
    package var itemID: String {
        switch self {
        case .email(let id, _), .sms(let id, _): return id
        }
    }
}

/// An SMS ready to send.
package struct SMSMessage: Sendable, Equatable {
    /// E.164 number.
    package var recipient: String
    /// The text.
    package var body: String
    /// Segments it takes.
    package var segments: Int
    /// GSM-7 or UCS-2.
    package var encoding: String

    /// An SMS.
    package init(recipient: String, body: String, segments: Int, encoding: String) {
        self.recipient = recipient
        self.body = body
        self.segments = segments
        self.encoding = encoding
    }
}

/// What a delivery attempt came to.
package enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted by the next hop; the provider's id when it gives one.
    case delivered(providerID: String?)
    /// Worth retrying later (4xx, network trouble).
    case transient(String)
    /// Never going to work (5xx, invalid recipient).
    case permanent(String)
    /// Not this message's fault: the transport can deliver nothing now (credentials refused,
    /// TLS or certificate trouble, a missing secret, a server down or silent). The run stops
    /// using the transport and its items stay pending with the error.
    case unavailable(TransportFault)
}

extension DeliveryOutcome {
    /// The attempt stopped before the message's last byte because the ledger could not record
    /// the hand-over: certainly not sent, worth retrying.
    package static let unmarked = DeliveryOutcome.transient("not sent: the ledger could not record that the message was being handed over")
}

/// A fault of a whole transport rather than of one recipient.
package struct TransportFault: Sendable, Equatable, Error {
    /// Whose fix it is.
    package enum Kind: Sendable, Equatable {
        /// The configuration: credentials, TLS, certificates, a missing secret (exit 65).
        case configuration
        /// The server or the network: refused, unreachable, silent (exit 75).
        case outage
    }

    /// Whose fix it is.
    package var kind: Kind
    /// What went wrong and what to do, naming the server (never a secret).
    package var message: String

    /// A fault of `kind`.
    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// Delivers messages: outbox files, SMTP, an HTTP gateway.
package protocol Transport {
    /// A short name for logs and summaries (`outbox`, `smtp`).
    var name: String { get }
    /// Attempts one delivery. `handOver` is called just before the last byte of the message
    /// leaves crier (the end of an SMTP DATA, of an HTTP request body, the outbox's rename):
    /// before that call a crash leaves the message certainly unsent. When it returns false
    /// (the mark could not be recorded) the transport abandons the attempt as transient.
    func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome
    /// After a crash: whether the item with `itemID` was delivered (true), was not (false),
    /// or cannot be known (nil: the item is reported as uncertain, never re-sent blindly).
    func reconcile(itemID: String, channel: Channel) -> Bool?
    /// Whether the transport's own record of a delivery is certain and durable, as the outbox's
    /// files are: `reconcile` always knows (never nil), and `deliver` of an item it delivered
    /// already reports it delivered and delivers nothing again. The dispatcher then records no
    /// hand-over mark (it would never be read), and a claim or outcome that a power cut takes
    /// from the ledger cannot lead to a second delivery: one ledger commit and no sync a message.
    var reconcileIsCertain: Bool { get }
}

extension Transport {
    /// Most transports cannot tell after a crash whether a message went out.
    package var reconcileIsCertain: Bool { false }

    /// Attempts one delivery with no hand-over mark to record (tests, one-off sends).
    package func deliver(_ message: OutboundMessage) -> DeliveryOutcome {
        deliver(message, handOver: { true })
    }
}
