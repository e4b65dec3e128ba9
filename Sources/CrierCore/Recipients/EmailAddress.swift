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
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= 254, trimmed.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = String(parts[0])
        let domain = String(parts[1])
        guard isDotAtom(local), local.utf8.count <= 64, isHostName(domain) else { return nil }
        return EmailAddress(localPart: local, domain: domain.lowercased())
    }

    /// The characters RFC 5322 allows in an atom besides letters and digits.
    private static let atomSpecials: Set<UInt8> = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    /// Non-empty atoms separated by single dots, no dot at either end.
    private static func isDotAtom(_ text: String) -> Bool {
        let atoms = text.split(separator: ".", omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.utf8.allSatisfy { isLetterOrDigit($0) || atomSpecials.contains($0) }
        }
    }

    /// Two or more LDH labels of 1 to 63 characters, no edge hyphen, last label not all digits.
    private static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        let validLabels = labels.allSatisfy { label in
            let bytes = Array(label.utf8)
            return (1...63).contains(bytes.count)
                && bytes.first != UInt8(ascii: "-") && bytes.last != UInt8(ascii: "-")
                && bytes.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
        }
        let topLevelHasLetter = labels.last?.utf8.contains { !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        return validLabels && topLevelHasLetter == true
    }

    /// ASCII A-Z, a-z or 0-9.
    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
