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
        var text = text
        let ascii = text.withUTF8 { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? read(bytes, input: nil, region: defaultRegion) : nil
        }
        if let ascii { return ascii }
        // Other text is read as the ASCII it stands for: trimmed as Foundation trims, without
        // its Unicode white space, its Unicode dashes as `-`; any other character is refused.
        let input = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes: [UInt8] = []
        for scalar in input.unicodeScalars where !scalar.properties.isWhitespace {
            if scalar.isASCII {
                bytes.append(UInt8(scalar.value))
            } else if dashes.contains(scalar) {
                bytes.append(UInt8(ascii: "-"))
            } else {
                return .failure(.invalidCharacters(input: input))
            }
        }
        return bytes.withUnsafeBufferPointer { read($0, input: input, region: defaultRegion) }
    }

    /// Unicode dashes and the minus sign, ignored between digits as `-` is.
    private static let dashes: Set<Unicode.Scalar> = ["\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}"]

    /// The number ASCII `text` holds, on its bytes; `input` is the trimmed text errors quote
    /// (nil: `text` itself, trimmed). White space is ignored anywhere, and so are dashes, dots
    /// and parentheses between digits; a `(0)` at the start is read as a trunk 0, after it dropped.
    private static func read(_ text: UnsafeBufferPointer<UInt8>, input: String?, region: PhoneRegion) -> Result<PhoneNumber, PhoneNumberError> {
        // ASCII white space as Foundation and Unicode count it: tab to carriage return, and space.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = 0, end = text.count
        while start < end, isSpace(text[start]) { start += 1 }
        while end > start, isSpace(text[end - 1]) { end -= 1 }
        let trimmed = UnsafeBufferPointer(rebasing: text[start..<end])
        let input = input ?? String(decoding: trimmed, as: UTF8.self)
        guard !trimmed.isEmpty else { return .failure(.empty(region: region)) }
        let compact = trimmed.filter { !isSpace($0) }
        let zero = Array("(0)".utf8)
        var plus = false
        var digits: [UInt8] = []
        var index = 0
        while index < compact.count {
            if index > 0, compact[index...].starts(with: zero) {
                index += 3
                continue
            }
            let byte = compact[index]
            index += 1
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"): continue
            case UInt8(ascii: "+") where digits.isEmpty && !plus: plus = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            default: return .failure(.invalidCharacters(input: input))
            }
        }
        return read(String(decoding: digits, as: UTF8.self), plus: plus, input: input, region: region)
    }

    /// The number of `digits` (after a `+` when `plus`), as typed in `input`.
    private static func read(_ digits: String, plus: Bool, input: String, region defaultRegion: PhoneRegion) -> Result<PhoneNumber, PhoneNumberError> {
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
