/// Why a candidate message will not be sent; shown in the plan so an admin sees why.
/// The cases that name a column are boxed (`indirect`), so a reason takes 8 bytes in every plan item.
package enum SkipReason: Sendable, Hashable, CustomStringConvertible {
    /// Sent by an earlier run (same schedule, key, occurrence, channel, recipient).
    case alreadySent
    /// Recorded by an earlier run and not finished yet (pending or uncertain).
    case alreadyPlanned
    /// Failed for good in an earlier run; not retried automatically.
    case failedEarlier
    /// The recipient is on the suppression list.
    case optedOut
    /// The recipient is not a valid phone number or email address.
    case invalidAddress
    /// The row's `channel` column is neither `sms` nor `email` (nor NULL).
    case invalidChannel
    /// The SMS needs more segments than `max_segments` allows.
    case tooLong
    /// A variable the template interpolates is NULL (or no column) in this row.
    indirect case missingVariable(String)
    /// A column the template interpolates holds text that is not UTF-8 in the snapshot.
    indirect case invalidText(String)
    /// A rendered header (subject, reply_to, cc, bcc) holds CR or LF.
    indirect case invalidHeader(String)
    /// A `file:` attachment leaves `attachments_dir` (by `..` or a symbolic link), is missing or is no regular file: never read.
    case invalidAttachment
    /// The trigger's time column cannot be read as a timestamp.
    indirect case invalidTime(String)
    /// An earlier overdue occurrence that a later one replaces: never sent late.
    case superseded
    /// An SMS due inside quiet hours; it waits for the first run after them.
    case quietHours
    /// A reminder whose event has started (deferred by quiet hours, or still pending at
    /// delivery): never sent late.
    case eventStarted
    /// Still pending longer than its schedule's `expires_after` after its slot: never sent late.
    case expired
    /// Over `email.smtp.max_per_day`: recorded as pending, it waits for a run with room.
    case dailyCap

    /// The reason as the plan shows it: `already-sent`, `missing-variable: name`.
    package var description: String {
        switch self {
        case .alreadySent: return "already-sent"
        case .alreadyPlanned: return "already-planned"
        case .failedEarlier: return "failed-earlier"
        case .optedOut: return "opted-out"
        case .invalidAddress: return "invalid-address"
        case .invalidChannel: return "invalid-channel"
        case .tooLong: return "too-long"
        case .missingVariable(let name): return "missing-variable: \(name)"
        case .invalidText(let name): return "invalid-text: \(name)"
        case .invalidHeader(let name): return "invalid-header: \(name)"
        case .invalidTime(let column): return "invalid-time: \(column)"
        case .invalidAttachment: return "invalid-attachment"
        case .superseded: return "superseded"
        case .quietHours: return "quiet-hours"
        case .eventStarted: return "event-started"
        case .expired: return "expired"
        case .dailyCap: return "daily-cap"
        }
    }
}

extension SkipReason: Codable {
    /// The reasons without an argument, by their text.
    private static let plain: [String: SkipReason] = Dictionary(uniqueKeysWithValues: [
        SkipReason.alreadySent, .alreadyPlanned, .failedEarlier, .optedOut, .invalidAddress, .invalidChannel, .tooLong,
        .invalidAttachment, .superseded, .quietHours, .eventStarted, .dailyCap,
    ].map { ($0.description, $0) })

    /// The reasons with an argument, by the text before `: `.
    private static let named: [String: @Sendable (String) -> SkipReason] = [
        "missing-variable": SkipReason.missingVariable, "invalid-text": SkipReason.invalidText,
        "invalid-header": SkipReason.invalidHeader, "invalid-time": SkipReason.invalidTime,
    ]

    /// The reason `description` shows as `text`; nil for text that is no reason.
    package init?(_ text: String) {
        if let reason = Self.plain[text] {
            self = reason
        } else if let colon = text.range(of: ": "), let make = Self.named[String(text[..<colon.lowerBound])] {
            self = make(String(text[colon.upperBound...]))
        } else {
            return nil
        }
    }

    /// Reads the text `description` writes.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let reason = SkipReason(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is no skip reason of this crier")
        }
        self = reason
    }

    /// Writes `description`.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether the skip only reports what the ledger holds (sent, planned or failed earlier):
    /// recording the plan leaves the ledger's item as it is.
    package var reportsLedger: Bool { self == .alreadySent || self == .alreadyPlanned || self == .failedEarlier }
}
