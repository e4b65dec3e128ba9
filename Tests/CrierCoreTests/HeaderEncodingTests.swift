import Foundation
import Testing
@testable import CrierCore

/// Test-only decoders used to check round trips (B encoded-words and quoted-printable only).
enum MIMETestSupport {
    /// Decodes quoted-printable text: `=` CRLF soft breaks are removed, `=XX` becomes a byte, the rest is literal.
    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 13, bytes[index + 2] == 10 {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                    result.append(value)
                    index += 3
                    continue
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return result
    }

    /// Decodes a header value made only of `=?UTF-8?B?...?=` words separated by whitespace; nil if any token is not one.
    static func decodeEncodedWords(_ value: String) -> String? {
        var bytes: [UInt8] = []
        for token in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
                  let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2))) else { return nil }
            bytes += data
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    /// Decodes an unfolded header value: encoded-words when it consists of them, else the raw text.
    static func decodeHeaderValue(_ value: String) -> String {
        decodeEncodedWords(value) ?? value
    }

    /// The message split at CRLF into physical lines (the empty piece after a final CRLF is dropped).
    static func physicalLines(_ message: [UInt8]) -> [String] {
        var lines = String(decoding: message, as: UTF8.self).components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The physical header lines: everything before the first empty line.
    static func headerLines(_ message: [UInt8]) -> [String] {
        Array(physicalLines(message).prefix { !$0.isEmpty })
    }

    /// The unfolded value of header `name` (continuation lines joined, leading whitespace after the colon removed).
    static func headerValue(_ name: String, in message: [UInt8]) -> String? {
        let lines = headerLines(message)
        guard let start = lines.firstIndex(where: { $0.lowercased().hasPrefix(name.lowercased() + ":") }) else { return nil }
        var value = String(lines[start].dropFirst(name.count + 1))
        for line in lines[(start + 1)...] {
            guard line.hasPrefix(" ") || line.hasPrefix("\t") else { break }
            value += line
        }
        return String(value.drop { $0 == " " || $0 == "\t" })
    }

    /// The unfolded header with its CRLFs removed, for checking that folding preserves content.
    static func unfold(_ folded: String) -> String {
        folded.replacingOccurrences(of: "\r\n", with: "")
    }
}

/// RFC 2047 encoded-words, RFC 5322 folding and display-name phrases.
@Suite struct HeaderEncodingTests {
    /// A Māori-language text with macrons and an em dash, used across tests.
    static let maori = "Kia ora Māori — reminder for tomorrow's appointment at Ōtāhuhu"

    /// A single encoded-word uses the UTF-8 B form and decodes back to the input.
    @Test func encodeWordRoundTrips() {
        let word = HeaderEncoding.encodeWord(Array("Ōtāhuhu".utf8))
        #expect(word == "=?UTF-8?B?xYx0xIFodWh1?=")
        #expect(MIMETestSupport.decodeEncodedWords(word) == "Ōtāhuhu")
    }

    /// Long text is split into words of at most 75 characters, each valid UTF-8 on its own.
    @Test(arguments: [
        HeaderEncodingTests.maori,
        String(repeating: "Ōtāhuhu 🎉👩‍👩‍👧‍👦 ", count: 12),
        String(repeating: "é", count: 100),
        String(repeating: "e\u{301}", count: 70),
    ])
    func encodeWordsSplitsOnCharacterBoundaries(text: String) {
        let words = HeaderEncoding.encodeWords(text)
        #expect(words.count > 1)
        for word in words {
            #expect(word.utf8.count <= HeaderEncoding.maxEncodedWordLength)
            #expect(MIMETestSupport.decodeEncodedWords(word) != nil, "word \(word) is not valid UTF-8 alone")
        }
        #expect(MIMETestSupport.decodeEncodedWords(words.joined(separator: " ")) == text)
    }

    /// The first word honours a smaller first limit, later words use the normal limit.
    @Test func encodeWordsHonoursFirstLimit() {
        let words = HeaderEncoding.encodeWords(Self.maori + Self.maori, firstMaxLength: 40)
        #expect(words[0].utf8.count <= 40)
        #expect(words.dropFirst().contains { $0.utf8.count > 40 })
        #expect(MIMETestSupport.decodeEncodedWords(words.joined(separator: " ")) == Self.maori + Self.maori)
    }

    /// A grapheme cluster larger than one word is split between its Unicode scalars, never inside one.
    @Test func encodeWordsSplitsHugeGraphemeBetweenScalars() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 40)
        let words = HeaderEncoding.encodeWords(zalgo)
        #expect(words.count > 1)
        #expect(words.allSatisfy { MIMETestSupport.decodeEncodedWords($0) != nil })
        #expect(MIMETestSupport.decodeEncodedWords(words.joined(separator: " ")) == zalgo)
    }

    /// Empty text yields no encoded-words.
    @Test func encodeWordsOfEmptyTextIsEmpty() {
        #expect(HeaderEncoding.encodeWords("").isEmpty)
    }

    /// A short line is returned unchanged.
    @Test func foldLeavesShortLineAlone() {
        #expect(HeaderEncoding.fold("Subject: hello world") == "Subject: hello world")
    }

    /// A long line is folded before whitespace into lines of at most 78 and unfolds to the original.
    @Test func foldBreaksLongLineAtWhitespace() {
        let line = "Subject: " + String(repeating: "reminder about  tomorrow ", count: 10)
        let folded = HeaderEncoding.fold(line)
        let lines = folded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(lines.allSatisfy { !$0.allSatisfy { $0 == " " } })
        #expect(MIMETestSupport.unfold(folded) == line)
    }

    /// A word longer than the limit stays whole on its own line.
    @Test func foldKeepsOverlongWordWhole() {
        let word = String(repeating: "x", count: 120)
        let folded = HeaderEncoding.fold("Subject: short " + word + " tail")
        #expect(folded == "Subject: short\r\n " + word + "\r\n tail")
    }

    /// With quotes respected, whitespace inside a quoted string is never a fold point.
    @Test func foldRespectsQuotedStrings() {
        let quoted = "\"" + String(repeating: "a", count: 30) + " " + String(repeating: "b", count: 50) + "\""
        let line = "To: " + quoted + " <j@x.example>"
        let aware = HeaderEncoding.fold(line, respectingQuotes: true)
        #expect(aware == "To:\r\n " + quoted + "\r\n <j@x.example>")
        let unaware = HeaderEncoding.fold(line)
        #expect(!unaware.contains(quoted))
        #expect(MIMETestSupport.unfold(unaware) == line)
    }

    /// Trailing whitespace never becomes a whitespace-only continuation line.
    @Test func foldNeverCreatesWhitespaceOnlyLine() {
        let line = "Subject: " + String(repeating: "y", count: 68) + "     "
        let folded = HeaderEncoding.fold(line)
        #expect(!folded.components(separatedBy: "\r\n").contains { $0.allSatisfy { $0 == " " } })
        #expect(MIMETestSupport.unfold(folded) == line)
    }

    /// Plain ASCII subjects stay readable; non-ASCII or `=?` triggers encoded-words.
    @Test(arguments: [
        ("Appointment reminder", false),
        ("Tab\tseparated", false),
        ("Kia ora Māori", true),
        ("Looks like =?UTF-8?B?SGk=?= an encoded word", true),
        ("Bell\u{7}", true),
    ])
    func unstructuredEncodesOnlyWhenNeeded(subject: String, encoded: Bool) throws {
        let header = try HeaderEncoding.unstructured("Subject", value: subject)
        #expect(header.contains("=?UTF-8?B?") == encoded)
        let value = String(MIMETestSupport.unfold(header).dropFirst("Subject: ".count))
        #expect(MIMETestSupport.decodeHeaderValue(value) == subject)
    }

    /// An unbreakable ASCII word that would exceed 998 characters falls back to encoded-words.
    @Test func unstructuredEncodesWordOver998() throws {
        let subject = "see " + String(repeating: "z", count: 1_200)
        let header = try HeaderEncoding.unstructured("Subject", value: subject)
        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(MIMETestSupport.decodeHeaderValue(String(MIMETestSupport.unfold(header).dropFirst(9))) == subject)
    }

    /// An empty subject becomes a bare `Subject:` line.
    @Test func unstructuredEmptyValue() throws {
        #expect(try HeaderEncoding.unstructured("Subject", value: "") == "Subject:")
    }

    /// CR or LF in an unstructured value throws invalidHeader with that header's name.
    @Test(arguments: ["a\r\nBcc: x@y", "a\nb", "a\rb"])
    func unstructuredRejectsLineBreaks(value: String) {
        #expect(throws: MIMEError.invalidHeader(name: "Subject")) {
            try HeaderEncoding.unstructured("Subject", value: value)
        }
    }

    /// Display names become atoms, quoted strings (with escapes) or encoded-words as needed.
    @Test(arguments: [
        ("Aroha Ngata", "Aroha Ngata"),
        ("Smith, John", "\"Smith, John\""),
        ("John Q. Public", "\"John Q. Public\""),
        ("Say \"hi\" \\o/", "\"Say \\\"hi\\\" \\\\o/\""),
        ("Māori", "=?UTF-8?B?TcSBb3Jp?="),
    ])
    func phraseQuotesOrEncodesAsNeeded(name: String, expected: String) {
        #expect(HeaderEncoding.phrase(name) == expected)
    }

    /// A quoted display name too long for one line is encoded instead, since quoted strings are not folded.
    @Test func phraseEncodesOverlongQuotedName() {
        let name = String(repeating: "Smith, ", count: 15)
        let phrase = HeaderEncoding.phrase(name)
        #expect(phrase.hasPrefix("=?UTF-8?B?"))
        #expect(MIMETestSupport.decodeEncodedWords(phrase) == name)
    }
}

/// RFC 2045 quoted-printable body encoding.
@Suite struct QuotedPrintableTests {
    /// `=` is always encoded as `=3D`.
    @Test func encodesEqualsSign() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
    }

    /// Spaces and tabs are literal mid-line but encoded before a line end.
    @Test func encodesTrailingWhitespace() {
        #expect(QuotedPrintable.encode("a b \nc\t\nd ") == "a b=20\r\nc=09\r\nd=20")
    }

    /// Non-ASCII UTF-8 bytes become upper-case `=XX` escapes.
    @Test func encodesNonASCIIBytes() {
        #expect(QuotedPrintable.encode("Ōtāhuhu — ok") == "=C5=8Ct=C4=81huhu =E2=80=94 ok")
    }

    /// Control bytes other than tab and DEL are escaped.
    @Test func encodesControlBytes() {
        #expect(QuotedPrintable.encode("\u{0}\u{1B}\u{7F}") == "=00=1B=7F")
    }

    /// A 76-character line is kept; a 77-character one gets a soft break after 75.
    @Test func softBreaksOnlyBeyond76() {
        let exact = String(repeating: "a", count: 76)
        #expect(QuotedPrintable.encode(exact) == exact)
        let longer = String(repeating: "a", count: 77)
        #expect(QuotedPrintable.encode(longer) == String(repeating: "a", count: 75) + "=\r\naa")
    }

    /// An escape sequence is never split across a soft break.
    @Test func softBreakNeverSplitsEscape() {
        let encoded = QuotedPrintable.encode(String(repeating: "a", count: 74) + "Ō")
        #expect(encoded == String(repeating: "a", count: 74) + "=\r\n=C5=8C")
    }

    /// CRLF, bare LF and bare CR all become CRLF hard breaks.
    @Test func normalisesLineEndings() {
        #expect(QuotedPrintable.encode("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\r\nd\r\n")
    }

    /// Long and mixed text round-trips, and no encoded line exceeds 76 characters.
    @Test(arguments: [
        String(repeating: "Kia ora Māori — reminder = soon. ", count: 20),
        String(repeating: "ā", count: 200),
        String(repeating: " ", count: 100) + "x",
        String(repeating: "word\t", count: 40),
        "",
    ])
    func roundTripsWithShortLines(text: String) {
        let encoded = QuotedPrintable.encode(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(MIMETestSupport.decodeQuotedPrintable(encoded) == Array(text.utf8))
    }

    /// Encoded output never contains `=_`, so a `=_crier_` boundary cannot collide with a part.
    @Test func outputNeverContainsEqualsUnderscore() {
        #expect(!QuotedPrintable.encode("=_crier_0123 =_ x").contains("=_"))
    }
}
