import Foundation

/// A number an SMS can be sent to, held in E.164 form (`+64211234567`).
///
/// NZ (+64) and AU (+61) numbers are always checked against that country's mobile rule,
/// whether written nationally or internationally; other `+` numbers only against E.164 shape.
package struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number as `+` and 8 to 15 digits, e.g. `+64211234567`.
    package let e164: String

    private init(e164: String) {
        self.e164 = e164
    }

    /// NZ or AU when the number is in one of those countries, nil for any other country.
    package var region: PhoneRegion? {
        PhoneRegion.allCases.first { e164.hasPrefix("+" + $0.countryCallingCode) }
    }

    /// The E.164 form.
    package var description: String { e164 }

    /// Reads a number as typed by a person or exported by TimeTrak.
    ///
    /// Whitespace, dashes (`-` and Unicode dashes), dots and parentheses are ignored; a `(0)` after
    /// the start (`+64 (0)21 123 4567`) is dropped. Accepted forms: `+` and the international number;
    /// `00` or `0011` (the Australian international prefix) and the international number; and, read
    /// in `defaultRegion` only, the national form with the trunk `0` (`021 123 4567`) or the national
    /// number after that region's country code without `+` (`64211234567`). A number without its
    /// trunk 0 (`211234567`, as spreadsheets often leave it) is refused rather than guessed.
    package static func parse(_ text: String, defaultRegion: PhoneRegion) -> Result<PhoneNumber, PhoneNumberError> {
        let input = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !input.isEmpty else { return .failure(.empty(region: defaultRegion)) }

        let compact = String(String.UnicodeScalarView(input.unicodeScalars.filter { !$0.properties.isWhitespace }))
        let lead = compact.hasPrefix("(0)") ? "(0)" : ""
        let withoutZeroInParens = lead + compact.dropFirst(lead.count).replacing("(0)", with: "")

        var plus = false
        var digits = ""
        for scalar in withoutZeroInParens.unicodeScalars {
            if separators.contains(scalar) { continue }
            if scalar == "+", digits.isEmpty, !plus {
                plus = true
            } else if ("0"..."9").contains(scalar) {
                digits.unicodeScalars.append(scalar)
            } else {
                return .failure(.invalidCharacters(input: input))
            }
        }

        if plus {
            return international(digits, input: input)
        }
        if digits.hasPrefix("0011") {
            return international(String(digits.dropFirst(4)), input: input)
        }
        if digits.hasPrefix("00") {
            return international(String(digits.dropFirst(2)), input: input)
        }
        return national(digits, input: input, region: defaultRegion)
    }

    /// Characters ignored between digits: dashes (ASCII, Unicode dashes, minus sign), dots and parentheses.
    private static let separators: Set<Unicode.Scalar> = [
        "-", ".", "(", ")",
        "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}",
    ]

    /// Digits after `+`, `00` or `0011`: the country code, then the national significant number.
    private static func international(_ digits: String, input: String) -> Result<PhoneNumber, PhoneNumberError> {
        if let region = PhoneRegion.allCases.first(where: { digits.hasPrefix($0.countryCallingCode) }) {
            let nsn = String(digits.dropFirst(region.countryCallingCode.count))
            guard region.isMobile(nationalSignificantNumber: nsn) else {
                return .failure(.notMobile(input: input, region: region))
            }
            return .success(PhoneNumber(e164: "+" + digits))
        }
        guard (8...15).contains(digits.count), !digits.hasPrefix("0") else {
            return .failure(.invalidInternational(input: input))
        }
        return .success(PhoneNumber(e164: "+" + digits))
    }

    /// Digits without an international prefix, read in `region`: trunk 0 form or country code without `+`.
    private static func national(
        _ digits: String, input: String, region: PhoneRegion
    ) -> Result<PhoneNumber, PhoneNumberError> {
        let nsn: String
        if digits.hasPrefix(region.trunkPrefix) {
            nsn = String(digits.dropFirst(region.trunkPrefix.count))
        } else if digits.hasPrefix(region.countryCallingCode) {
            nsn = String(digits.dropFirst(region.countryCallingCode.count))
        } else {
            return .failure(.notMobile(input: input, region: region))
        }
        guard region.isMobile(nationalSignificantNumber: nsn) else {
            return .failure(.notMobile(input: input, region: region))
        }
        return .success(PhoneNumber(e164: "+" + region.countryCallingCode + nsn))
    }
}

/// Why a text is not a number crier can text; `message` quotes the input and says what is expected.
package enum PhoneNumberError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing but whitespace was given; `region` is the default region, for the hint.
    case empty(region: PhoneRegion)
    /// Something other than digits, a leading `+`, whitespace, dashes, dots or parentheses.
    case invalidCharacters(input: String)
    /// An NZ or AU number (or a national number read in `region`) that is not a mobile number there.
    case notMobile(input: String, region: PhoneRegion)
    /// A `+` number of another country that is not 8 to 15 digits or whose country code starts with 0.
    case invalidInternational(input: String)

    /// One sentence for the user, quoting the trimmed input.
    package var message: String {
        switch self {
        case .empty(let region):
            "phone number is empty (expected \(region.mobileFormatHint))"
        case .invalidCharacters(let input):
            "\"\(input)\" contains characters that cannot be in a phone number "
                + "(expected digits and an optional leading +; spaces, dashes, dots and parentheses are ignored)"
        case .notMobile(let input, let region):
            "\"\(input)\" is not \(region.mobileNumberPhrase) (expected \(region.mobileFormatHint))"
        case .invalidInternational(let input):
            "\"\(input)\" is not a valid international number "
                + "(expected + then the country code and number, 8 to 15 digits in all, e.g. +44 7700 900123)"
        }
    }

    /// The message.
    package var description: String { message }
}
