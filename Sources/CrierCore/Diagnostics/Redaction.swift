/// The one rule that keeps secrets out of what crier prints, logs and stores: applied to every
/// diagnostic (message, hint and source excerpt), log line, ledger error text, history and
/// failures output and transport error text.
///
/// - URLs: the password of the user-info and every query value become `***`
///   (`smtp://office:***@host`, `?api_key=***`); the user name, host and path stay, and so do
///   the values of libpq's settings that are never secret (`?sslmode=verify-full`).
/// - `KEY: value`, `KEY=value` and `"KEY": "value"` where KEY is or resembles a secret's name
///   (`password`, `secret`, `token`, `api_key`, a typo such as `pasword`): the value becomes
///   `***`. Keys naming where a secret is (`password_env`, `password_file`) are not secrets.
package enum Redaction {
    /// What a masked value is replaced with.
    package static let mask = "***"

    /// `text` with every secret-looking value masked, line by line.
    package static func redact(_ text: String) -> String {
        guard text.contains(where: { $0 == ":" || $0 == "=" || $0 == "?" }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { redact(line: String($0), column: 0).line }
            .joined(separator: "\n")
    }

    /// One line masked, with 1-based `column` moved so that it still points at the same text
    /// (0 stays 0): a caret under a source excerpt keeps its place.
    package static func redact(line: String, column: Int) -> (line: String, column: Int) {
        let characters = Array(line)
        let ranges = secretRanges(in: characters)
        guard !ranges.isEmpty else { return (line, column) }
        var out = ""
        var newColumn = column
        var position = 0
        for range in ranges {
            out += String(characters[position..<range.lowerBound]) + mask
            if column > 0 {
                if range.upperBound <= column - 1 {
                    newColumn += mask.count - range.count
                } else if range.contains(column - 1) {
                    newColumn = out.count - mask.count + 1
                }
            }
            position = range.upperBound
        }
        out += String(characters[position...])
        return (out, newColumn)
    }

    /// Whether a setting named `key` holds a secret, or looks as if it was meant to (a typo of
    /// one): `password`, `pasword`, `api-key`, `client_secret`, `auth_token`, `passwd`. Keys that
    /// say where a secret is (`password_env`, `password_file`) do not hold one.
    package static func isSecretKey(_ key: String) -> Bool {
        let lowered = key.lowercased()
        if lowered.hasSuffix("_env") || lowered.hasSuffix("_file") || lowered.hasSuffix("-env") || lowered.hasSuffix("-file") {
            return false
        }
        let words = lowered.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        let joined = words.joined()
        for candidate in words + [joined] {
            if exactNames.contains(candidate) { return true }
            for name in secretNames {
                if candidate.contains(name) { return true }
                let limit = name.count >= 8 ? 2 : 1
                if candidate.count >= 4, Suggestion.editDistance(candidate, name) <= limit { return true }
            }
        }
        return false
    }

    /// Names whose presence anywhere in a key marks it as a secret, typos included.
    private static let secretNames = ["password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "credential"]
    /// Query keys of libpq connection URLs that never hold a secret and that an error about the
    /// ledger's URL must be able to show; every other query value is masked.
    private static let publicQueryKeys: Set<String> = [
        "schema", "sslmode", "sslrootcert", "target_session_attrs", "connect_timeout", "application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count",
    ]
    /// Short names that mark a key only when they are a whole word of it.
    private static let exactNames: Set<String> = ["pass", "pwd", "pw", "psk"]

    /// The character ranges of `line` to mask, in order and not overlapping.
    private static func secretRanges(in line: [Character]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        let urls = urlSpans(in: line)
        for url in urls { ranges += urlSecrets(in: line, span: url) }
        var index = 0
        while index < line.count {
            if let url = urls.first(where: { $0.contains(index) }) {
                index = url.upperBound
                continue
            }
            guard isKeyCharacter(line[index]), index == 0 || !isKeyCharacter(line[index - 1]) else {
                index += 1
                continue
            }
            var end = index
            while end < line.count, isKeyCharacter(line[end]) { end += 1 }
            let key = String(line[index..<end])
            if isSecretKey(key), let value = valueRange(in: line, afterKey: index..<end), !value.isEmpty {
                ranges.append(value)
                index = value.upperBound
            } else {
                index = end
            }
        }
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// The value after a key at `key`: `KEY: value` (to the end of the line, or to `,` / `}` in
    /// a flow mapping), `KEY=value` (to a space, `&`, `;` or `,`), a quoted value's inside.
    private static func valueRange(in line: [Character], afterKey key: Range<Int>) -> Range<Int>? {
        var index = key.upperBound
        // A quoted key: "password": ...
        if key.lowerBound > 0, index < line.count, line[index] == line[key.lowerBound - 1], "\"'".contains(line[index]) {
            index += 1
        }
        while index < line.count, line[index] == " " { index += 1 }
        guard index < line.count, line[index] == ":" || line[index] == "=" else { return nil }
        let separator = line[index]
        index += 1
        // `smtp://` and the like are URLs, not keys.
        if separator == ":", index < line.count, line[index] == "/" { return nil }
        while index < line.count, line[index] == " " || line[index] == "\t" { index += 1 }
        guard index < line.count else { return nil }
        if "\"'".contains(line[index]) {
            let quote = line[index]
            let start = index + 1
            var end = start
            while end < line.count, line[end] != quote { end += 1 }
            return start..<end
        }
        let inFlow = line[..<key.lowerBound].contains("{")
        var end = index
        while end < line.count {
            let character = line[end]
            if separator == "=", character == " " || character == "&" || character == ";" || character == "," { break }
            if separator == ":", inFlow, character == "," || character == "}" { break }
            end += 1
        }
        // Keep a closing bracket or quote that ends the surrounding text.
        while end > index, separator == "=", ")]}\"'".contains(line[end - 1]) { end -= 1 }
        return index..<end
    }

    /// Where URLs (`scheme://...`) are in `line`: up to a space, a quote or an angle bracket.
    private static func urlSpans(in line: [Character]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var index = 0
        while index + 2 < line.count {
            guard line[index] == ":", line[index + 1] == "/", line[index + 2] == "/" else {
                index += 1
                continue
            }
            var start = index
            while start > 0, isSchemeCharacter(line[start - 1]) { start -= 1 }
            var end = index + 3
            while end < line.count, !(line[end].isWhitespace || "\"'<>`".contains(line[end])) { end += 1 }
            // Punctuation that ends the sentence around the URL is not part of it.
            while end > index + 3, ":.,;)]}".contains(line[end - 1]) { end -= 1 }
            if start < index, line[start].isLetter { spans.append(start..<end) }
            index = end
        }
        return spans
    }

    /// The user-info password and the query values of the URL at `span`.
    private static func urlSecrets(in line: [Character], span: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        guard let slashes = (span.lowerBound..<span.upperBound - 2).first(where: { line[$0] == ":" && line[$0 + 1] == "/" }) else { return [] }
        let afterScheme = slashes + 3
        let queryStart = (afterScheme..<span.upperBound).first { line[$0] == "?" }
        // The last `@` before the query ends the user-info, even when a sloppy password holds `/` or `#`.
        if let at = (afterScheme..<(queryStart ?? span.upperBound)).last(where: { line[$0] == "@" }),
           let colon = (afterScheme..<at).first(where: { line[$0] == ":" || line[$0] == "/" }), line[colon] == ":", colon + 1 < at {
            ranges.append(colon + 1..<at)
        }
        if let queryStart {
            var start = queryStart + 1
            while start < span.upperBound {
                var end = start
                while end < span.upperBound, line[end] != "&", line[end] != ";" { end += 1 }
                if let equals = (start..<end).first(where: { line[$0] == "=" }) {
                    let key = String(line[start..<equals]).lowercased()
                    if equals + 1 < end, !publicQueryKeys.contains(key) { ranges.append(equals + 1..<end) }
                } else if start < end {
                    ranges.append(start..<end)
                }
                start = end + 1
            }
        }
        return ranges
    }

    private static func isKeyCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
    }

    private static func isSchemeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "-" || character == ".")
    }
}

extension DeliveryOutcome {
    /// The outcome with its error text passed through `Redaction`: what transports return.
    package var redacted: DeliveryOutcome {
        switch self {
        case .delivered: return self
        case .transient(let text): return .transient(Redaction.redact(text))
        case .permanent(let text): return .permanent(Redaction.redact(text))
        case .unavailable(var fault):
            fault.message = Redaction.redact(fault.message)
            return .unavailable(fault)
        }
    }
}
