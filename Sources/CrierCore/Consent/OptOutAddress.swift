import Foundation

/// An address as the suppression list stores it: a phone number in E.164, or an email
/// address lower-cased (matched case-insensitively).
package enum OptOutAddress: Sendable, Hashable, CustomStringConvertible {
    /// A phone number.
    case phone(PhoneNumber)
    /// An email address.
    case email(EmailAddress)

    /// Reads `text` as a phone number (national numbers in `region`) or an email address;
    /// nil when it is neither.
    package static func parse(_ text: String, region: PhoneRegion) -> OptOutAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("@") {
            return EmailAddress.parse(trimmed).map(OptOutAddress.email)
        }
        if case .success(let number) = PhoneNumber.parse(trimmed, defaultRegion: region) { return .phone(number) }
        return nil
    }

    /// The stored form: E.164 (`+64211234567`) or the lower-cased email address.
    package var key: String {
        switch self {
        case .phone(let number): return number.e164
        case .email(let address): return address.matchKey
        }
    }

    /// The stored form.
    package var description: String { key }

    /// The suppression-list key of a plan item's recipient (already normalised by the planner).
    package static func key(ofRecipient recipient: String, channel: Channel) -> String {
        channel == .email ? recipient.lowercased() : recipient
    }
}
