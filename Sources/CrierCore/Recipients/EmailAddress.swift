import Foundation

/// A bare ASCII email address (`local@domain`), with the domain lowercased.
///
/// Only the RFC 5322 dot-atom form is accepted: no display name (`Ann <ann@x.nz>`), no quoted
/// local part, no domain literal (`[192.0.2.1]`). Non-ASCII is refused on purpose, both in the
/// local part (SMTPUTF8 is not supported by every relay) and in the domain: an IDN such as a
/// macronised .nz name must be written in its ASCII `xn--` form, which is accepted as is.
/// Equality and hashing use the local part as written and the lowercased domain; use `matchKey`
/// to compare addresses ignoring case altogether.
package struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The part before `@`, exactly as written (its case may matter to the receiving server).
    package let localPart: String
    /// The part after `@`, lowercased.
    package let domain: String

    private init(localPart: String, domain: String) {
        self.localPart = localPart
        self.domain = domain
    }

    /// `local@domain` with the local part as written and the domain lowercased.
    package var normalized: String { localPart + "@" + domain }

    /// The whole address lowercased, for case-insensitive matching such as opt-out lists.
    package var matchKey: String { normalized.lowercased() }

    /// The normalized address.
    package var description: String { normalized }

    /// Reads a bare address, ignoring surrounding whitespace; nil when it is not one.
    ///
    /// Rules: exactly one `@`; local part of dot-atom characters (letters, digits and
    /// ``!#$%&'*+/=?^_`{|}~-``) with single dots only between them, at most 64 characters;
    /// domain of at least two dot-separated labels of letters, digits and hyphens, each 1 to 63
    /// characters with no leading or trailing hyphen, the last label not all digits; at most
    /// 254 characters in all. All of it ASCII.
    package static func parse(_ text: String) -> EmailAddress? {
        var text = text
        if let parsed = text.withUTF8(parseASCII) { return parsed }
        return parseUnicode(text)
    }

    /// `parse` for any text: Foundation trims Unicode white space too, then the bytes are read
    /// as ASCII (any other character is refused).
    private static func parseUnicode(_ text: String) -> EmailAddress? {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.withUTF8(parseASCII) ?? nil
    }

    /// `parse` of an all-ASCII text, on its bytes; nil (not `.some(nil)`) when the text holds
    /// other characters, which the general path reads (Unicode white space around it is trimmed).
    private static func parseASCII(_ all: UnsafeBufferPointer<UInt8>) -> EmailAddress?? {
        if !all.allSatisfy({ $0 < 0x80 }) { return nil }
        // What `whitespacesAndNewlines` holds in ASCII: tab, line feed, vertical tab, form feed, CR, space.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = 0, end = all.count
        while start < end, isSpace(all[start]) { start += 1 }
        while end > start, isSpace(all[end - 1]) { end -= 1 }
        let bytes = UnsafeBufferPointer(rebasing: all[start..<end])
        let at = UInt8(ascii: "@")
        guard bytes.count <= 254, let split = bytes.firstIndex(of: at), !bytes[(split + 1)...].contains(at) else { return .some(nil) }
        let local = UnsafeBufferPointer(rebasing: bytes[..<split]), domain = UnsafeBufferPointer(rebasing: bytes[(split + 1)...])
        guard local.count <= 64, isDotAtom(local), isHostName(domain) else { return .some(nil) }
        let lowered = domain.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 0x20 : $0 }
        return EmailAddress(localPart: String(decoding: local, as: UTF8.self), domain: String(decoding: lowered, as: UTF8.self))
    }

    /// Non-empty atoms separated by single dots, no dot at either end.
    private static func isDotAtom(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous = UInt8(ascii: ".")
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previous == byte { return false }
            } else if !(isLetterOrDigit(byte) || atomSpecials.contains(byte)) {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: ".")
    }

    /// Two or more LDH labels of 1 to 63 characters, no edge hyphen, last label not all digits.
    private static func isHostName(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var labels = 0, labelStart = 0
        var lastHasNonDigit = false
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ".") {
            let label = UnsafeBufferPointer(rebasing: bytes[labelStart..<index])
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
            lastHasNonDigit = label.contains { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            labels += 1
            labelStart = index + 1
        }
        return labels >= 2 && lastHasNonDigit
    }

    /// The characters RFC 5322 allows in an atom besides letters and digits.
    private static let atomSpecials: Set<UInt8> = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    /// ASCII A-Z, a-z or 0-9.
    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
