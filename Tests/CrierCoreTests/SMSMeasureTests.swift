import Testing

@testable import CrierCore

/// GSM-7 / UCS-2 detection, unit and segment counting.
@Suite("SMSMeasure")
struct SMSMeasureTests {
    /// Checks that the GSM 03.38 tables have 127 basic and 10 extension characters.
    @Test("the GSM 03.38 tables have 127 basic and 10 extension characters")
    func tableSizes() {
        #expect(SMSMeasure.gsmBasic.count == 127)
        #expect(SMSMeasure.gsmExtension.count == 10)
        #expect(SMSMeasure.gsmBasic.isDisjoint(with: SMSMeasure.gsmExtension))
        // Greek capitals, not look-alikes: U+0394 Delta, U+03A9 Omega; U+00C7 capital C cedilla.
        #expect(SMSMeasure.gsmBasic.contains("\u{0394}"))
        #expect(SMSMeasure.gsmBasic.contains("\u{03A9}"))
        #expect(SMSMeasure.gsmBasic.contains("\u{00C7}"))
        #expect(!SMSMeasure.gsmBasic.contains("\u{2126}"))
        #expect(!SMSMeasure.gsmBasic.contains("\u{00E7}"))
    }

    /// Checks that every GSM 03.38 basic character is one septet and keeps GSM-7.
    @Test("every GSM 03.38 basic character is one septet and keeps GSM-7")
    func basicAlphabet() {
        let all = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        let measure = SMSMeasure.of(all)
        #expect(measure.encoding == .gsm7)
        #expect(measure.units == 127)
        #expect(measure.segments == 1)
    }

    /// Checks that each extension character counts two septets.
    @Test("each extension character counts two septets", arguments: ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\u{0C}"])
    func extensionCharacters(character: String) {
        let measure = SMSMeasure.of("a" + character)
        #expect(measure.encoding == .gsm7)
        #expect(measure.units == 3)
        #expect(measure.characters == 2)
    }

    /// Checks that 160 GSM-7 characters are 1 segment, 161 are 2.
    @Test("160 GSM-7 characters are 1 segment, 161 are 2")
    func gsmSingleSegmentBoundary() {
        let at160 = SMSMeasure.of(String(repeating: "a", count: 160))
        #expect(at160 == SMSMeasure(encoding: .gsm7, units: 160, segments: 1, characters: 160))
        let at161 = SMSMeasure.of(String(repeating: "a", count: 161))
        #expect(at161 == SMSMeasure(encoding: .gsm7, units: 161, segments: 2, characters: 161))
    }

    /// Checks that 159 plain characters and one euro sign are 161 septets, so 2 segments.
    @Test("159 plain characters and one euro sign are 161 septets, so 2 segments")
    func euroPushesOverBoundary() {
        let measure = SMSMeasure.of(String(repeating: "a", count: 159) + "€")
        #expect(measure == SMSMeasure(encoding: .gsm7, units: 161, segments: 2, characters: 160))
        #expect(SMSMeasure.of(String(repeating: "a", count: 158) + "€").segments == 1)
    }

    /// Checks that 306 GSM-7 characters are 2 segments, 307 are 3, 459 are 3, 460 are 4.
    @Test("306 GSM-7 characters are 2 segments, 307 are 3, 459 are 3, 460 are 4")
    func gsmMultipartBoundaries() {
        #expect(SMSMeasure.of(String(repeating: "x", count: 306)).segments == 2)
        #expect(SMSMeasure.of(String(repeating: "x", count: 307)).segments == 3)
        #expect(SMSMeasure.of(String(repeating: "x", count: 459)).segments == 3)
        #expect(SMSMeasure.of(String(repeating: "x", count: 460)).segments == 4)
    }

    /// Checks that one Māori macron forces UCS-2: 70 units are 1 segment, 71 are 2.
    @Test("one Māori macron forces UCS-2: 70 units are 1 segment, 71 are 2")
    func macronForcesUCS2() {
        let at70 = SMSMeasure.of("ā" + String(repeating: "a", count: 69))
        #expect(at70 == SMSMeasure(encoding: .ucs2, units: 70, segments: 1, characters: 70))
        let at71 = SMSMeasure.of("ā" + String(repeating: "a", count: 70))
        #expect(at71 == SMSMeasure(encoding: .ucs2, units: 71, segments: 2, characters: 71))
        let maori = SMSMeasure.of("Kia ora from Māori Plumbing")
        #expect(maori.encoding == .ucs2)
        #expect(maori.units == 27)
    }

    /// Checks that an emoji forces UCS-2 and counts two units.
    @Test("an emoji forces UCS-2 and counts two units")
    func emoji() {
        let measure = SMSMeasure.of("See you at 9 👍")
        #expect(measure.encoding == .ucs2)
        #expect(measure.units == 15)
        #expect(measure.characters == 14)
        let at70 = SMSMeasure.of("👍" + String(repeating: "a", count: 68))
        #expect(at70.units == 70)
        #expect(at70.segments == 1)
        let at71 = SMSMeasure.of("👍" + String(repeating: "a", count: 69))
        #expect(at71.units == 71)
        #expect(at71.segments == 2)
    }

    /// Checks that UCS-2 multipart uses 67 units per segment: 134 are 2, 135 are 3.
    @Test("UCS-2 multipart uses 67 units per segment: 134 are 2, 135 are 3")
    func ucs2Multipart() {
        #expect(SMSMeasure.of("ā" + String(repeating: "a", count: 133)).segments == 2)
        #expect(SMSMeasure.of("ā" + String(repeating: "a", count: 134)).segments == 3)
    }

    /// Checks that a decomposed é is two scalars and its combining mark forces UCS-2; a precomposed é stays GSM-7.
    @Test("a decomposed é is two scalars and its combining mark forces UCS-2; a precomposed é stays GSM-7")
    func combiningMark() {
        let decomposed = SMSMeasure.of("Cafe\u{0301}")
        #expect(decomposed.encoding == .ucs2)
        #expect(decomposed.units == 5)
        #expect(decomposed.characters == 4)
        let precomposed = SMSMeasure.of("Caf\u{00E9}")
        #expect(precomposed.encoding == .gsm7)
        #expect(precomposed.units == 4)
    }

    /// Checks that CR and LF are one septet each though CRLF is one Character; tab is not GSM-7.
    @Test("CR and LF are one septet each though CRLF is one Character; tab is not GSM-7")
    func lineBreaks() {
        let crlf = SMSMeasure.of("Hi\r\nBye\n")
        #expect(crlf.encoding == .gsm7)
        #expect(crlf.units == 8)
        #expect(crlf.characters == 7)
        #expect(SMSMeasure.of("a\tb").encoding == .ucs2)
    }

    /// Checks that typographic quotes and a lowercase c cedilla are outside GSM 03.38.
    @Test("typographic quotes and a lowercase c cedilla are outside GSM 03.38")
    func lookAlikes() {
        #expect(SMSMeasure.of("It\u{2019}s booked").encoding == .ucs2)
        #expect(SMSMeasure.of("It's booked").encoding == .gsm7)
        #expect(SMSMeasure.of("gar\u{00E7}on").encoding == .ucs2)
    }

    /// Checks that an empty body is one GSM-7 segment of 0 units.
    @Test("an empty body is one GSM-7 segment of 0 units")
    func emptyBody() {
        #expect(SMSMeasure.of("") == SMSMeasure(encoding: .gsm7, units: 0, segments: 1, characters: 0))
        #expect(!SMSMeasure.of("").fits(maxSegments: 0))
    }

    /// Checks that fits compares segments with the limit.
    @Test("fits compares segments with the limit")
    func fits() {
        let twoSegments = SMSMeasure.of(String(repeating: "a", count: 200))
        #expect(twoSegments.fits(maxSegments: 2))
        #expect(twoSegments.fits(maxSegments: 3))
        #expect(!twoSegments.fits(maxSegments: 1))
    }

    /// Checks that encodings are named as carriers name them, with their segment sizes.
    @Test("encodings are named as carriers name them, with their segment sizes")
    func encodingNames() {
        #expect(SMSEncoding.gsm7.rawValue == "GSM-7")
        #expect(SMSEncoding.ucs2.rawValue == "UCS-2")
        #expect(SMSEncoding.gsm7.singleSegmentUnits == 160)
        #expect(SMSEncoding.gsm7.multiSegmentUnits == 153)
        #expect(SMSEncoding.ucs2.singleSegmentUnits == 70)
        #expect(SMSEncoding.ucs2.multiSegmentUnits == 67)
    }
}
