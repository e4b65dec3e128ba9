import Foundation

/// An RFC 5322 mailbox: an optional display name and an addr-spec, e.g. `"Smith, John" <j@x.example>`.
package struct Mailbox: Hashable, Sendable {
    /// The human-readable name, or nil for a bare address; an empty name is treated as nil.
    package var displayName: String?
    /// The addr-spec (`local@domain`), without angle brackets.
    package var address: String

    /// Creates a mailbox without validating it; `EmailMessage.serialize` validates before writing headers.
    package init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// The part of the address after the `@` (empty when there is none).
    package var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...])
    }

    /// The longest addr-spec accepted (RFC 5321 path limit minus the angle brackets).
    static let maxAddressLength = 254

    /// Parses `addr@x.example`, `Name <addr@x.example>` or `"Name, Jr." <addr@x.example>`.
    package static func parse(_ text: String) throws(MIMEError) -> Mailbox {
        // A bare address (no name, brackets, quotes, blanks or line breaks) is itself.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "\"") || $0 == 32 || $0 == 9 || $0 == 13 || $0 == 10 }) {
            guard isPlausibleAddress(text) else { throw .invalidMailbox(text) }
            return Mailbox(displayName: nil, address: text)
        }
        let scalars = Array(trimWSP(text).unicodeScalars)
        guard !scalars.isEmpty, !scalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw .invalidMailbox(text)
        }
        guard let open = firstUnquoted("<", in: scalars) else {
            let address = String(String.UnicodeScalarView(scalars))
            guard isPlausibleAddress(address) else { throw .invalidMailbox(text) }
            return Mailbox(displayName: nil, address: address)
        }
        guard scalars.last == ">" else { throw .invalidMailbox(text) }
        let address = String(String.UnicodeScalarView(scalars[(open + 1)..<(scalars.count - 1)]))
        guard isPlausibleAddress(address),
              let name = parseDisplayName(Array(scalars[..<open])) else {
            throw .invalidMailbox(text)
        }
        return Mailbox(displayName: name.isEmpty ? nil : name, address: address)
    }

    /// Parses a comma-separated list (commas inside quotes or brackets don't split; empty items are skipped; errors carry the trimmed item).
    package static func parseList(_ text: String) throws(MIMEError) -> [Mailbox] {
        guard let items = splitList(text) else { throw .invalidMailbox(text) }
        var result: [Mailbox] = []
        for item in items.map(trimWSP) where !item.isEmpty {
            result.append(try parse(String(item)))
        }
        return result
    }

    /// Minimal addr-spec check: one `@`, non-empty parts, printable ASCII without spaces or `<>(),;"\`, at most 254 characters.
    static func isPlausibleAddress(_ address: String) -> Bool {
        let bytes = address.utf8
        guard !bytes.isEmpty, bytes.count <= maxAddressLength else { return false }
        var at: Int?
        var index = -1
        for byte in bytes {
            index += 1
            switch byte {
            case UInt8(ascii: "@"):
                guard at == nil else { return false }
                at = index
            // Beyond printable ASCII (a UTF-8 byte of a non-ASCII character too), or one of <>(),;"\
            case ...0x20, 0x7F..., UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                return false
            default:
                continue
            }
        }
        guard let at else { return false }
        return at > 0 && at < bytes.count - 1
    }

    /// The mailbox as header text (`addr`, `Name <addr>`, quoted or encoded name); `firstMaxLength` bounds a leading encoded-word.
    func headerText(firstMaxLength: Int = HeaderEncoding.maxEncodedWordLength) -> String {
        guard let name = displayName, !name.isEmpty else { return address }
        return HeaderEncoding.phrase(name, firstMaxLength: firstMaxLength) + " <" + address + ">"
    }

    /// Removes leading and trailing spaces and tabs (but never CR or LF, which must stay visible to validation).
    private static func trimWSP(_ text: String) -> Substring {
        let isWSP: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = text.firstIndex(where: { !isWSP($0) }),
              let end = text.lastIndex(where: { !isWSP($0) }) else { return "" }
        return text[start...end]
    }

    /// Index of the first `target` outside a quoted string, honouring backslash escapes inside quotes.
    private static func firstUnquoted(_ target: Unicode.Scalar, in scalars: [Unicode.Scalar]) -> Int? {
        var inQuotes = false
        var escaped = false
        for (index, scalar) in scalars.enumerated() {
            if escaped { escaped = false; continue }
            if inQuotes && scalar == "\\" { escaped = true; continue }
            if scalar == "\"" { inQuotes.toggle(); continue }
            if !inQuotes && scalar == target { return index }
        }
        return nil
    }

    /// The display name before `<`: empty, a plain phrase without quotes or brackets, or one whole quoted string.
    private static func parseDisplayName(_ scalars: [Unicode.Scalar]) -> String? {
        let text = String(trimWSP(String(String.UnicodeScalarView(scalars))))
        let inner = Array(text.unicodeScalars)
        guard inner.first == "\"" else {
            return inner.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" }) ? nil : text
        }
        guard inner.count >= 2, inner.last == "\"" else { return nil }
        var name = String.UnicodeScalarView()
        var escaped = false
        for scalar in inner[1..<(inner.count - 1)] {
            if escaped { name.append(scalar); escaped = false; continue }
            if scalar == "\\" { escaped = true; continue }
            if scalar == "\"" { return nil }
            name.append(scalar)
        }
        return escaped ? nil : String(name)
    }

    /// Splits a list at commas outside quotes and angle brackets; nil when a quote or bracket is left open.
    private static func splitList(_ text: String) -> [String]? {
        var items: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        var inAngle = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                escaped = false
            } else if inQuotes {
                if scalar == "\\" { escaped = true } else if scalar == "\"" { inQuotes = false }
            } else if scalar == "\"" {
                inQuotes = true
            } else if scalar == "<" {
                inAngle = true
            } else if scalar == ">" {
                inAngle = false
            } else if scalar == "," && !inAngle {
                items.append(String(current))
                current = String.UnicodeScalarView()
                continue
            }
            current.append(scalar)
        }
        guard !inQuotes, !inAngle else { return nil }
        items.append(String(current))
        return items
    }
}
