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
}

/// Delivers messages: outbox files, SMTP, an HTTP gateway.
package protocol Transport {
    /// A short name for logs and summaries (`outbox`, `smtp`).
    var name: String { get }
    /// Attempts one delivery.
    func deliver(_ message: OutboundMessage) -> DeliveryOutcome
    /// After a crash: whether the item with `itemID` was delivered (true), was not (false),
    /// or cannot be known (nil: the item is reported as uncertain, never re-sent blindly).
    func reconcile(itemID: String, channel: Channel) -> Bool?
}
