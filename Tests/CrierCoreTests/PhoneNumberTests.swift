import Foundation
import Testing

@testable import CrierCore

/// Region codes, calling codes and mobile rules.
@Suite("PhoneRegion")
struct PhoneRegionTests {
    /// Checks that codes are read case-insensitively and ignore surrounding whitespace.
    @Test("codes are read case-insensitively and ignore surrounding whitespace")
    func codesAreCaseInsensitive() {
        #expect(PhoneRegion(code: "nz") == .NZ)
        #expect(PhoneRegion(code: "Nz") == .NZ)
        #expect(PhoneRegion(code: " AU ") == .AU)
        #expect(PhoneRegion(code: "US") == nil)
        #expect(PhoneRegion(code: "") == nil)
        #expect(PhoneRegion(code: "NZL") == nil)
    }

    /// Checks that each region knows its calling code, trunk prefix and name.
    @Test("each region knows its calling code, trunk prefix and name")
    func regionFacts() {
        #expect(PhoneRegion.NZ.countryCallingCode == "64")
        #expect(PhoneRegion.AU.countryCallingCode == "61")
        #expect(PhoneRegion.NZ.trunkPrefix == "0")
        #expect(PhoneRegion.AU.trunkPrefix == "0")
        #expect(PhoneRegion.NZ.name == "New Zealand")
        #expect(PhoneRegion.AU.name == "Australia")
        #expect(PhoneRegion(countryCallingCode: "61") == .AU)
        #expect(PhoneRegion(countryCallingCode: "44") == nil)
    }

    /// Checks that supported codes are listed for error messages.
    @Test("supported codes are listed for error messages")
    func supportedCodesListed() {
        #expect(PhoneRegion.supportedCodes == ["NZ", "AU"])
        #expect(PhoneRegion.supportedCodesList == "NZ, AU")
        #expect(PhoneRegion.unsupportedCodeMessage("US") == "\"US\" is not a supported region (expected one of: NZ, AU)")
    }

    /// Checks that only the real NZ mobile prefixes 020, 021, 022, 027, 028 and 029 are mobile.
    @Test(
        "only the real NZ mobile prefixes 020, 021, 022, 027, 028 and 029 are mobile",
        arguments: [
            ("20", true), ("21", true), ("22", true), ("27", true), ("28", true), ("29", true),
            ("23", false), ("24", false), ("25", false), ("26", false), ("30", false), ("90", false),
        ]
    )
    func nzMobilePrefixes(prefix: String, isMobile: Bool) {
        #expect(PhoneRegion.NZ.isMobile(nationalSignificantNumber: prefix + "1234567") == isMobile)
    }

    /// Checks that NZ mobiles have 6 to 8 digits after the 2x prefix.
    @Test("NZ mobiles have 6 to 8 digits after the 2x prefix")
    func nzMobileLengths() {
        #expect(!PhoneRegion.NZ.isMobile(nationalSignificantNumber: "2112345"))
        #expect(PhoneRegion.NZ.isMobile(nationalSignificantNumber: "21123456"))
        #expect(PhoneRegion.NZ.isMobile(nationalSignificantNumber: "2112345678"))
        #expect(!PhoneRegion.NZ.isMobile(nationalSignificantNumber: "21123456789"))
        #expect(!PhoneRegion.NZ.isMobile(nationalSignificantNumber: ""))
        #expect(!PhoneRegion.NZ.isMobile(nationalSignificantNumber: "2"))
    }

    /// Checks that AU mobiles are 4 and 8 digits; the reserved 05 range is not accepted.
    @Test("AU mobiles are 4 and 8 digits; the reserved 05 range is not accepted")
    func auMobileRule() {
        #expect(PhoneRegion.AU.isMobile(nationalSignificantNumber: "412345678"))
        #expect(!PhoneRegion.AU.isMobile(nationalSignificantNumber: "41234567"))
        #expect(!PhoneRegion.AU.isMobile(nationalSignificantNumber: "4123456789"))
        #expect(!PhoneRegion.AU.isMobile(nationalSignificantNumber: "512345678"))
        #expect(!PhoneRegion.AU.isMobile(nationalSignificantNumber: "298765432"))
        #expect(!PhoneRegion.AU.isMobile(nationalSignificantNumber: ""))
    }
}

/// Parsing NZ, AU and foreign numbers to E.164, and the error messages.
@Suite("PhoneNumber")
struct PhoneNumberTests {
    private func e164(_ text: String, _ region: PhoneRegion = .NZ) -> String? {
        try? PhoneNumber.parse(text, defaultRegion: region).get().e164
    }

    private func message(_ text: String, _ region: PhoneRegion = .NZ) -> String? {
        if case .failure(let error) = PhoneNumber.parse(text, defaultRegion: region) { return error.message }
        return nil
    }

    /// Checks that NZ mobile written many ways normalises to one E.164.
    @Test(
        "NZ mobile written many ways normalises to one E.164",
        arguments: [
            "021 123 4567", "0211234567", "021-123-4567", "021.123.4567", "(021) 123 4567",
            "+64 21 123 4567", "+6421 123 4567", "+64211234567", "+64-21-123-4567",
            "+64 (0)21 123 4567", "64 21 123 4567", "64211234567", "0064 21 123 4567",
            "  021 123 4567\n", "021\u{00A0}123\u{00A0}4567", "021\u{2013}123\u{2013}4567", "(0)21 123 4567",
        ]
    )
    func nzFormats(text: String) {
        #expect(e164(text) == "+64211234567")
    }

    /// Checks that each NZ mobile prefix and length is accepted.
    @Test(
        "each NZ mobile prefix and length is accepted",
        arguments: [
            ("020 4123 4567", "+642041234567"), ("021 123 456", "+6421123456"), ("021 1234 5678", "+642112345678"),
            ("022 123 4567", "+64221234567"), ("027 123 4567", "+64271234567"), ("028 123 4567", "+64281234567"),
            ("029 123 4567", "+64291234567"), ("027 12 345 678", "+642712345678"),
        ]
    )
    func nzPrefixes(text: String, expected: String) {
        #expect(e164(text) == expected.replacing(" ", with: ""))
    }

    /// Checks that AU mobile written many ways normalises to one E.164 with defaultRegion AU.
    @Test(
        "AU mobile written many ways normalises to one E.164 with defaultRegion AU",
        arguments: [
            "0412 345 678", "0412345678", "04 1234 5678", "(04) 1234 5678", "0412-345-678",
            "+61 412 345 678", "+61412345678", "+61 (0)412 345 678", "61 412 345 678", "0011 61 412 345 678",
            "0061 412 345 678",
        ]
    )
    func auFormats(text: String) {
        #expect(e164(text, .AU) == "+61412345678")
    }

    /// Checks that international AU and NZ numbers do not depend on the default region.
    @Test("international AU and NZ numbers do not depend on the default region")
    func internationalIgnoresDefaultRegion() {
        #expect(e164("+61 412 345 678", .NZ) == "+61412345678")
        #expect(e164("0061 412 345 678", .NZ) == "+61412345678")
        #expect(e164("+64 21 123 4567", .AU) == "+64211234567")
        #expect(e164("0011 64 21 123 4567", .AU) == "+64211234567")
    }

    /// Checks that the parsed number knows its region, and prints as E.164.
    @Test("the parsed number knows its region, and prints as E.164")
    func regionAndDescription() throws {
        let nz = try PhoneNumber.parse("021 123 4567", defaultRegion: .NZ).get()
        #expect(nz.region == .NZ)
        #expect(nz.description == "+64211234567")
        let au = try PhoneNumber.parse("0412 345 678", defaultRegion: .AU).get()
        #expect(au.region == .AU)
        let uk = try PhoneNumber.parse("+44 7700 900123", defaultRegion: .NZ).get()
        #expect(uk.region == nil)
    }

    /// Checks that the same number written two ways is equal and hashes alike.
    @Test("the same number written two ways is equal and hashes alike")
    func equality() throws {
        let a = try PhoneNumber.parse("027 123 4567", defaultRegion: .NZ).get()
        let b = try PhoneNumber.parse("+64 27 123 4567", defaultRegion: .AU).get()
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }

    /// Checks that foreign + and 00 numbers are checked only as E.164.
    @Test(
        "foreign + and 00 numbers are checked only as E.164",
        arguments: [
            ("+44 7700 900123", "+447700900123"), ("+1 (415) 555-0100", "+14155550100"),
            ("0044 7700 900123", "+447700900123"), ("+65 8123 4567", "+6581234567"),
            ("+1234567", nil), ("+12345678", "+12345678"), ("+123456789012345", "+123456789012345"),
            ("+1234567890123456", nil), ("+0 123 456 789", nil), ("+", nil), ("00", nil),
        ] as [(String, String?)]
    )
    func foreignNumbers(text: String, expected: String?) {
        #expect(e164(text) == expected)
    }

    /// Checks that NZ landlines, wrong prefixes and wrong lengths are refused with the NZ message.
    @Test("NZ landlines, wrong prefixes and wrong lengths are refused with the NZ message")
    func nzRejected() {
        let expected = "(expected 020, 021, 022, 027, 028 or 029 followed by 6 to 8 digits, "
            + "e.g. 021 123 4567 or +64 21 123 4567)"
        for text in [
            "09 123 4567", "+64 9 123 4567", "025 123 4567", "026 123 4567", "021 12345",
            "021 1234 56789", "0800 123 456", "+64 021 123 4567", "211234567", "0", "--",
        ] {
            #expect(message(text) == "\"\(text)\" is not a New Zealand mobile number \(expected)")
        }
    }

    /// Pins the message for an NZ landline.
    @Test("pinned message: NZ landline")
    func nzLandlineMessage() {
        #expect(
            message("09 123 4567")
                == "\"09 123 4567\" is not a New Zealand mobile number (expected 020, 021, 022, 027, 028 or 029 "
                + "followed by 6 to 8 digits, e.g. 021 123 4567 or +64 21 123 4567)"
        )
    }

    /// Checks that AU landlines, the 05 range and wrong lengths are refused with the AU message.
    @Test("AU landlines, the 05 range and wrong lengths are refused with the AU message")
    func auRejected() {
        let expected = "(expected 04 followed by 8 digits, e.g. 0412 345 678 or +61 412 345 678)"
        for text in ["02 9876 5432", "0512 345 678", "0412 345 67", "0412 345 6789", "1300 123 456"] {
            #expect(message(text, .AU) == "\"\(text)\" is not an Australian mobile number \(expected)")
        }
        #expect(
            message("+61 2 9876 5432")
                == "\"+61 2 9876 5432\" is not an Australian mobile number "
                + "(expected 04 followed by 8 digits, e.g. 0412 345 678 or +61 412 345 678)"
        )
    }

    /// Checks that an AU national number read in NZ fails, and an NZ one read in AU fails.
    @Test("an AU national number read in NZ fails, and an NZ one read in AU fails")
    func nationalNumbersUseDefaultRegionOnly() {
        #expect(e164("0412 345 678", .AU) == "+61412345678")
        #expect(
            message("0412 345 678", .NZ)
                == "\"0412 345 678\" is not a New Zealand mobile number (expected 020, 021, 022, 027, 028 or 029 "
                + "followed by 6 to 8 digits, e.g. 021 123 4567 or +64 21 123 4567)"
        )
        #expect(e164("021 123 4567", .AU) == nil)
        #expect(e164("61412345678", .NZ) == nil)
        #expect(e164("64211234567", .AU) == nil)
    }

    /// Checks that letters and stray plus signs are refused with the characters message.
    @Test("letters and stray plus signs are refused with the characters message")
    func invalidCharacters() {
        let expected = "contains characters that cannot be in a phone number "
            + "(expected digits and an optional leading +; spaces, dashes, dots and parentheses are ignored)"
        for text in ["021 ABC 4567", "021 123 4567 ext 2", "64+211234567", "++64211234567", "021/123/4567", "０２１１２３４５６７"] {
            #expect(message(text) == "\"\(text)\" \(expected)")
        }
    }

    /// Pins the message for a foreign number of the wrong length.
    @Test("pinned message: foreign number of the wrong length")
    func invalidInternationalMessage() {
        #expect(
            message("+1 555 010")
                == "\"+1 555 010\" is not a valid international number "
                + "(expected + then the country code and number, 8 to 15 digits in all, e.g. +44 7700 900123)"
        )
    }

    /// Checks that empty or blank text is refused with a hint for the default region.
    @Test("empty or blank text is refused with a hint for the default region")
    func empty() {
        #expect(
            message("") == "phone number is empty (expected 020, 021, 022, 027, 028 or 029 followed by 6 to 8 digits, "
                + "e.g. 021 123 4567 or +64 21 123 4567)"
        )
        #expect(
            message("   \t", .AU)
                == "phone number is empty (expected 04 followed by 8 digits, e.g. 0412 345 678 or +61 412 345 678)"
        )
        #expect(PhoneNumber.parse(" ", defaultRegion: .NZ) == .failure(.empty(region: .NZ)))
    }

    /// Checks that text with Unicode spaces and dashes reads as the ASCII it stands for, errors
    /// quoting the text as given (trimmed), and that `(0)` after the start is dropped anywhere.
    @Test("Unicode spaces and dashes read as their ASCII; (0) after the start is dropped")
    func unicodeReadsAsASCII() {
        let pairs = [
            ("\u{3000}021\u{2009}123\u{2212}4567\u{00A0}", "021 123-4567"), ("+64\u{2002}(0)21\u{2011}123 4567", "+64 (0)21-123 4567"),
            ("\u{00A0}09\u{2013}123\u{2013}4567", "09-123-4567"), ("021\u{2014}ABC", "021-ABC"), ("\u{2028}", " "),
        ]
        for (unicode, ascii) in pairs {
            let trimmed = unicode.trimmingCharacters(in: .whitespacesAndNewlines)
            switch (PhoneNumber.parse(unicode, defaultRegion: .NZ), PhoneNumber.parse(ascii, defaultRegion: .NZ)) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(.notMobile(let input, _)), .failure(.notMobile)), (.failure(.invalidCharacters(let input)), .failure(.invalidCharacters)):
                #expect(input == trimmed)
            case (.failure(.empty), .failure(.empty)): break
            case (let a, let b): Issue.record("\(unicode.debugDescription): \(a) but \(ascii.debugDescription): \(b)")
            }
        }
        #expect(e164("+64 21 (0)123 (0)4567") == "+64211234567")
        #expect(e164("021 123 (0)(0)4567") == "+64211234567")
        #expect(e164("((0)021 123 4567") == "+64211234567")
        #expect(message("021\u{200B}1234567") != nil)
    }

    /// Checks that the message quotes the input trimmed of surrounding whitespace.
    @Test("the message quotes the input trimmed of surrounding whitespace")
    func messageQuotesTrimmedInput() {
        #expect(PhoneNumber.parse("  09 123 4567 ", defaultRegion: .NZ) == .failure(.notMobile(input: "09 123 4567", region: .NZ)))
        #expect(PhoneNumberError.invalidInternational(input: "+1").description == PhoneNumberError.invalidInternational(input: "+1").message)
    }
}
