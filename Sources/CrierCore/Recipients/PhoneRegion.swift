import Foundation

/// A country whose national (no `+`) mobile numbers crier can read; SMS messaging supports NZ and AU numbers only.
package enum PhoneRegion: String, CaseIterable, Sendable {
    /// New Zealand: +64, trunk 0, mobiles 020, 021, 022, 027, 028 and 029.
    case NZ
    /// Australia: +61, trunk 0, mobiles 04 followed by 8 digits.
    case AU

    /// The region for an ISO code such as `nz` or ` AU `: case-insensitive, surrounding whitespace ignored.
    package init?(code: String) {
        let wanted = code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        guard let region = PhoneRegion(rawValue: wanted) else { return nil }
        self = region
    }

    /// The region whose country calling code is exactly `callingCode` (`"64"`, `"61"`), if crier knows it.
    package init?(countryCallingCode callingCode: String) {
        guard let region = PhoneRegion.allCases.first(where: { $0.countryCallingCode == callingCode }) else {
            return nil
        }
        self = region
    }

    /// The supported ISO codes in declaration order: `["NZ", "AU"]`.
    package static var supportedCodes: [String] { allCases.map(\.rawValue) }

    /// The supported codes for a message, comma-separated: `NZ, AU`.
    package static var supportedCodesList: String { supportedCodes.joined(separator: ", ") }

    /// The message for a region code crier does not know, quoting it: `"US" is not a supported region (expected one of: NZ, AU)`.
    package static func unsupportedCodeMessage(_ code: String) -> String {
        "\"\(code)\" is not a supported region (expected one of: \(supportedCodesList))"
    }

    /// The country calling code without `+`: `"64"` for NZ, `"61"` for AU.
    package var countryCallingCode: String {
        switch self {
        case .NZ: "64"
        case .AU: "61"
        }
    }

    /// The digit dialled before a national number inside the country: `"0"` for both NZ and AU.
    package var trunkPrefix: String { "0" }

    /// The country's English name: `New Zealand`, `Australia`.
    package var name: String {
        switch self {
        case .NZ: "New Zealand"
        case .AU: "Australia"
        }
    }

    /// `a New Zealand mobile number` / `an Australian mobile number`, for messages.
    package var mobileNumberPhrase: String {
        switch self {
        case .NZ: "a New Zealand mobile number"
        case .AU: "an Australian mobile number"
        }
    }

    /// What a valid mobile number looks like, for messages, with a national and an international example.
    package var mobileFormatHint: String {
        switch self {
        case .NZ: "020, 021, 022, 027, 028 or 029 followed by 6 to 8 digits, e.g. 021 123 4567 or +64 21 123 4567"
        case .AU: "04 followed by 8 digits, e.g. 0412 345 678 or +61 412 345 678"
        }
    }

    /// Whether the digits after the country code (no trunk 0) form a mobile number in this region.
    ///
    /// NZ: `2` then one of `0 1 2 7 8 9` then 6 to 8 digits (8 to 10 digits in all); 025 (closed
    /// in 2007), 024 and 026 (pagers) are refused. AU: `4` then 8 digits (9 digits in all). The
    /// Australian 05 range is not accepted: it is reserved for future mobile growth, not in service.
    package func isMobile(nationalSignificantNumber nsn: String) -> Bool {
        let digits = Array(nsn.utf8)
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        switch self {
        case .NZ:
            guard (8...10).contains(digits.count), digits[0] == UInt8(ascii: "2") else { return false }
            switch digits[1] {
            case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "7"), UInt8(ascii: "8"), UInt8(ascii: "9"): return true
            default: return false
            }
        case .AU:
            return digits.count == 9 && digits[0] == UInt8(ascii: "4")
        }
    }
}
