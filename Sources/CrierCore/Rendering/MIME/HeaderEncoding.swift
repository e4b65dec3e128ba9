import Foundation

/// Header-field encoding: RFC 2047 encoded-words (B, UTF-8), RFC 5322 folding and display-name phrases.
package enum HeaderEncoding {
    /// Preferred maximum header line length, excluding CRLF (RFC 5322 §2.1.1).
    package static let lineLimit = 78
    /// Absolute maximum header line length, excluding CRLF (RFC 5322 §2.1.1).
    package static let hardLineLimit = 998
    /// Maximum length of one encoded-word (RFC 2047 §2).
    package static let maxEncodedWordLength = 75
    /// Characters an encoded-word spends on `=?UTF-8?B?` and `?=`.
    static let encodedWordOverhead = 12
    /// Shortest encoded-word limit that still fits any single 4-byte UTF-8 scalar.
    static let minEncodedWordLength = encodedWordOverhead + 8

    /// Throws `invalidHeader(name:)` when `value` contains CR or LF.
    package static func requireSingleLine(_ value: String, header name: String) throws(MIMEError) {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidHeader(name: name)
        }
    }

    /// True when `text` may appear in a header unencoded: printable ASCII or tab, and no `=?` that could be read as an encoded-word.
    package static func isPlain(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            guard byte == 9 || (0x20...0x7E).contains(byte), !(previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) else {
                return false
            }
            previous = byte
        }
        return true
    }

    /// One `=?UTF-8?B?...?=` encoded-word for `bytes` (no length limit; see `encodeWords`).
    package static func encodeWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Encodes `text` as encoded-words of at most `maxLength` characters (the first at most `firstMaxLength`), split only between characters.
    package static func encodeWords(
        _ text: String,
        firstMaxLength: Int = maxEncodedWordLength,
        maxLength: Int = maxEncodedWordLength
    ) -> [String] {
        let maxLength = max(maxLength, minEncodedWordLength)
        let first = firstMaxLength >= minEncodedWordLength ? min(firstMaxLength, maxLength) : maxLength
        var capacity = byteCapacity(forWordLength: first)
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            if !chunk.isEmpty { words.append(encodeWord(chunk)) }
            chunk = []
            capacity = byteCapacity(forWordLength: maxLength)
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > capacity { flush() }
            if chunk.count + bytes.count <= capacity {
                chunk += bytes
                continue
            }
            // A grapheme too large for one word on its own: split it between its scalars instead.
            for scalar in character.unicodeScalars {
                let scalarBytes = Array(String(scalar).utf8)
                if chunk.count + scalarBytes.count > capacity { flush() }
                chunk += scalarBytes
            }
        }
        if !chunk.isEmpty { flush() }
        return words
    }

    /// How many UTF-8 bytes fit into one B encoded-word of `length` characters.
    static func byteCapacity(forWordLength length: Int) -> Int {
        max(length - encodedWordOverhead, 4) / 4 * 3
    }

    /// Builds the folded `Name: value` line for an unstructured header (Subject): plain when possible, else encoded-words.
    package static func unstructured(_ name: String, value: String) throws(MIMEError) -> String {
        try requireSingleLine(value, header: name)
        if isPlain(value) {
            let folded = fold(value.isEmpty ? "\(name):" : "\(name): \(value)")
            if longestLine(folded) <= hardLineLimit { return folded }
        }
        let prefix = "\(name): "
        let words = encodeWords(value, firstMaxLength: lineLimit - prefix.utf8.count)
        return fold(prefix + words.joined(separator: " "))
    }

    /// Renders a display name as a phrase: bare atoms, a quoted string, or encoded-words (the first at most `firstMaxLength`).
    package static func phrase(_ name: String, firstMaxLength: Int = maxEncodedWordLength) -> String {
        if isPlain(name) {
            if isAtomPhrase(name) { return name }
            var quoted = "\""
            for character in name {
                if character == "\"" || character == "\\" { quoted += "\\" }
                quoted.append(character)
            }
            quoted += "\""
            // A quoted string is never folded, so it must fit on a line of its own.
            if quoted.utf8.count < lineLimit { return quoted }
        }
        return encodeWords(name, firstMaxLength: firstMaxLength).joined(separator: " ")
    }

    /// True when `name` is atoms (RFC 5322 atext) separated by single spaces, so it needs no quoting.
    static func isAtomPhrase(_ name: String) -> Bool {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        return !name.isEmpty && words.allSatisfy { word in
            !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(scalar)
            }
        }
    }

    /// Folds a header line by inserting CRLF before whitespace runs (never inside quotes if `respectingQuotes`); removing the CRLFs restores `line`.
    package static func fold(_ line: String, limit: Int = lineLimit, respectingQuotes: Bool = false) -> String {
        // A line that fits is its own folding: every piece would join the one before.
        if line.utf8.count <= limit { return line }
        let segments = foldSegments(line, respectingQuotes: respectingQuotes)
        var lines: [String] = []
        var current = segments[0]
        for segment in segments.dropFirst() {
            let whitespaceOnly = segment.allSatisfy { $0 == " " || $0 == "\t" }
            if whitespaceOnly || current.utf8.count + segment.utf8.count <= limit {
                current += segment
            } else {
                lines.append(current)
                current = segment
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// Splits `line` so each piece after the first starts at a whitespace run (outside quotes if asked).
    static func foldSegments(_ line: String, respectingQuotes: Bool) -> [String] {
        var segments: [String] = []
        var current = String.UnicodeScalarView()
        var inQuotes = false
        var escaped = false
        var previousWasSpace = false
        for scalar in line.unicodeScalars {
            let isSpace = scalar == " " || scalar == "\t"
            if isSpace && !inQuotes && !previousWasSpace && !current.isEmpty {
                segments.append(String(current))
                current = String.UnicodeScalarView()
            }
            current.append(scalar)
            if respectingQuotes {
                if escaped {
                    escaped = false
                } else if inQuotes && scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    inQuotes.toggle()
                }
            }
            previousWasSpace = isSpace
        }
        segments.append(String(current))
        return segments
    }

    /// Length in bytes of the longest physical line in CRLF-separated `text`.
    static func longestLine(_ text: String) -> Int {
        text.utf8.split(separator: 10, omittingEmptySubsequences: false)
            .map { $0.last == 13 ? $0.count - 1 : $0.count }
            .max() ?? 0
    }
}
