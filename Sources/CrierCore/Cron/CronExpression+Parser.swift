import Foundation

/// A cron expression syntax error with a human-readable message and the 1-based column where the bad part starts.
package struct CronParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong and what would be valid, e.g. `minute "61" is out of range 0-59`.
    package let message: String
    /// The 1-based character column inside the expression text where the bad part starts.
    package let column: Int

    /// Creates an error with `message` pointing at `column`.
    package init(message: String, column: Int) {
        self.message = message
        self.column = column
    }

    /// The message, for printing.
    package var description: String { message }
}

extension CronExpression {
    /// Parses a 5-field cron expression or one of the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
    package init(parsing text: String) throws(CronParseError) {
        let tokens = Self.tokenize(text)
        guard let first = tokens.first else {
            throw CronParseError(
                message: "the expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily",
                column: 1)
        }
        var fields = tokens
        if first.text.hasPrefix("@") {
            let expansion = try Self.expandMacro(first)
            if tokens.count > 1 {
                throw CronParseError(
                    message: "unexpected \"\(tokens[1].text)\" after \(first.text); a macro stands alone",
                    column: tokens[1].column)
            }
            fields = expansion.split(separator: " ").map { Token(text: String($0), column: first.column) }
        } else if tokens.count != 5 {
            let last = tokens[min(tokens.count, 5) - 1]
            let column = tokens.count > 5 ? tokens[5].column : last.column + last.text.count
            throw CronParseError(
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(tokens.count)",
                column: column)
        }
        let minute = try Field.minute.parse(fields[0])
        let hour = try Field.hour.parse(fields[1])
        let dayOfMonth = try Field.dayOfMonth.parse(fields[2])
        let month = try Field.month.parse(fields[3])
        let dayOfWeek = try Field.dayOfWeek.parse(fields[4])
        self.init(
            source: text, minuteBits: minute, hourBits: hour, dayOfMonthBits: dayOfMonth,
            monthBits: month, dayOfWeekBits: dayOfWeek,
            dayOfMonthIsStar: fields[2].text.hasPrefix("*"), dayOfWeekIsStar: fields[4].text.hasPrefix("*"))
    }

    /// A piece of the expression text with the 1-based column of its first character.
    struct Token: Equatable, Sendable {
        /// The characters of the piece.
        let text: String
        /// The 1-based column of the first character in the whole expression.
        let column: Int
    }

    /// The macros and the 5-field expressions they stand for.
    static let macros: [(name: String, expansion: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ]

    /// Splits `text` into fields at runs of spaces and tabs, ignoring surrounding whitespace.
    static func tokenize(_ text: String) -> [Token] {
        let characters = Array(text)
        let surrounding: Set<Character> = [" ", "\t", "\n", "\r", "\r\n"]
        guard let start = characters.firstIndex(where: { !surrounding.contains($0) }),
              let end = characters.lastIndex(where: { !surrounding.contains($0) })
        else { return [] }
        var tokens: [Token] = []
        var current = ""
        var currentStart = start
        for index in start...end {
            let character = characters[index]
            if character == " " || character == "\t" {
                if !current.isEmpty { tokens.append(Token(text: current, column: currentStart + 1)) }
                current = ""
            } else {
                if current.isEmpty { currentStart = index }
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(Token(text: current, column: currentStart + 1)) }
        return tokens
    }

    /// Returns the 5-field expansion of a macro token, or throws for @reboot and unknown macros.
    static func expandMacro(_ token: Token) throws(CronParseError) -> String {
        let name = token.text.lowercased()
        if let macro = macros.first(where: { $0.name == name }) {
            return macro.expansion
        }
        if name == "@reboot" {
            throw CronParseError(
                message: "@reboot is not supported: crier runs from cron or a timer; use a 5-field expression",
                column: token.column)
        }
        if let suggestion = closestName(to: name, among: macros.map(\.name), maximumDistance: 2) {
            throw CronParseError(
                message: "unknown macro \"\(token.text)\"; did you mean \"\(suggestion)\"?", column: token.column)
        }
        throw CronParseError(
            message: "unknown macro \"\(token.text)\"; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
            column: token.column)
    }

    /// The unique candidate closest to `word` within `maximumDistance` edits, or one that `word` starts with; nil otherwise.
    static func closestName(to word: String, among candidates: [String], maximumDistance: Int) -> String? {
        if let prefix = candidates.first(where: { word.count > $0.count && word.hasPrefix($0) }) {
            return prefix
        }
        let scored = candidates.map { (name: $0, distance: editDistance(word, $0)) }
        guard let best = scored.map(\.distance).min(), best <= maximumDistance else { return nil }
        let closest = scored.filter { $0.distance == best }
        return closest.count == 1 ? closest[0].name : nil
    }

    /// The optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps) between two words.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[a.count][b.count]
    }

    /// One of the five cron fields, with its value range, names and parsing rules.
    enum Field: Sendable {
        /// Minutes 0-59.
        case minute
        /// Hours 0-23.
        case hour
        /// Days of the month 1-31.
        case dayOfMonth
        /// Months 1-12 or JAN-DEC.
        case month
        /// Days of the week 0-7 (0 and 7 are Sunday) or SUN-SAT.
        case dayOfWeek

        /// The field's name as used in messages.
        var label: String {
            switch self {
            case .minute: return "minute"
            case .hour: return "hour"
            case .dayOfMonth: return "day-of-month"
            case .month: return "month"
            case .dayOfWeek: return "day-of-week"
            }
        }

        /// The values a number may take in this field.
        var valid: ClosedRange<Int> {
            switch self {
            case .minute: return 0...59
            case .hour: return 0...23
            case .dayOfMonth: return 1...31
            case .month: return 1...12
            case .dayOfWeek: return 0...7
            }
        }

        /// The values `*` stands for (day-of-week stops at 6 so Sunday is not counted twice).
        var all: ClosedRange<Int> {
            self == .dayOfWeek ? 0...6 : valid
        }

        /// The names accepted in place of numbers, with their values.
        var names: [(name: String, value: Int)] {
            switch self {
            case .month:
                return ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
                    .enumerated().map { ($0.element, $0.offset + 1) }
            case .dayOfWeek:
                return ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
                    .enumerated().map { ($0.element, $0.offset) }
            default:
                return []
            }
        }

        /// The text describing the valid values, e.g. `0-59` or `1-12 or JAN-DEC`.
        var validText: String {
            let numbers = "\(valid.lowerBound)-\(valid.upperBound)"
            guard let first = names.first, let last = names.last else { return "a number \(numbers)" }
            return "\(numbers) or \(first.name)-\(last.name)"
        }

        /// The steps allowed after `/`.
        var validSteps: ClosedRange<Int> {
            1...(valid.upperBound - valid.lowerBound)
        }

        /// Parses one whole field (a comma-separated list) into a bit set of its values.
        func parse(_ token: Token) throws(CronParseError) -> UInt64 {
            var bits: UInt64 = 0
            var itemText = ""
            var itemColumn = token.column
            var column = token.column
            for character in token.text {
                if character == "," {
                    bits |= try parseItem(Token(text: itemText, column: itemColumn), in: token)
                    itemText = ""
                    itemColumn = column + 1
                } else {
                    itemText.append(character)
                }
                column += 1
            }
            bits |= try parseItem(Token(text: itemText, column: itemColumn), in: token)
            return bits
        }

        /// Parses one list item: `*`, a value, or a range, optionally followed by `/step`.
        func parseItem(_ item: Token, in field: Token) throws(CronParseError) -> UInt64 {
            guard !item.text.isEmpty else {
                throw CronParseError(message: "\(label) list \"\(field.text)\" has an empty item", column: item.column)
            }
            let base: Token
            var step = 1
            if let slash = item.text.firstIndex(of: "/") {
                let baseText = String(item.text[..<slash])
                let stepText = String(item.text[item.text.index(after: slash)...])
                base = Token(text: baseText, column: item.column)
                step = try parseStep(Token(text: stepText, column: item.column + baseText.count + 1))
            } else {
                base = item
            }
            let range: ClosedRange<Int>
            if base.text == "*" {
                range = all
            } else if let dash = base.text.firstIndex(of: "-") {
                let startText = String(base.text[..<dash])
                let endText = String(base.text[base.text.index(after: dash)...])
                guard !startText.isEmpty else {
                    throw CronParseError(
                        message: "\(label) range \"\(base.text)\" has no start; write START-END, e.g. \(valid.lowerBound)-\(valid.upperBound)",
                        column: base.column)
                }
                guard !endText.isEmpty else {
                    throw CronParseError(
                        message: "\(label) range \"\(base.text)\" has no end; write START-END, e.g. \(valid.lowerBound)-\(valid.upperBound)",
                        column: base.column + startText.count + 1)
                }
                let start = try parseValue(Token(text: startText, column: base.column))
                let end = try parseValue(Token(text: endText, column: base.column + startText.count + 1))
                guard start <= end else {
                    throw CronParseError(
                        message: "\(label) range \"\(base.text)\" is reversed; the start must not exceed the end",
                        column: base.column)
                }
                range = start...end
            } else {
                let value = try parseValue(base)
                // `5/15` means 5 to the end of the field, every 15.
                range = item.text.contains("/") ? value...max(value, all.upperBound) : value...value
            }
            var bits: UInt64 = 0
            for value in stride(from: range.lowerBound, through: range.upperBound, by: step) {
                // Day-of-week 7 is another name for Sunday (0).
                bits |= 1 << (self == .dayOfWeek && value == 7 ? 0 : value)
            }
            return bits
        }

        /// Parses the number after `/`.
        func parseStep(_ token: Token) throws(CronParseError) -> Int {
            let range = "\(validSteps.lowerBound)-\(validSteps.upperBound)"
            guard Self.isDigits(token.text) else {
                throw CronParseError(
                    message: "invalid \(label) step \"\(token.text)\"; expected a number \(range)", column: token.column)
            }
            guard let step = Int(token.text), validSteps.contains(step) else {
                throw CronParseError(
                    message: "\(label) step \"\(token.text)\" is out of range \(range)", column: token.column)
            }
            return step
        }

        /// Parses a single number or name.
        func parseValue(_ token: Token) throws(CronParseError) -> Int {
            if Self.isDigits(token.text) {
                guard let value = Int(token.text), valid.contains(value) else {
                    throw CronParseError(
                        message: "\(label) \"\(token.text)\" is out of range \(valid.lowerBound)-\(valid.upperBound)",
                        column: token.column)
                }
                return value
            }
            let names = self.names
            if !names.isEmpty, token.text.allSatisfy({ $0.isASCII && $0.isLetter }) {
                let upper = token.text.uppercased()
                if let match = names.first(where: { $0.name == upper }) {
                    return match.value
                }
                let nameList = names.map(\.name)
                let nameRange = "\(names[0].name)-\(names[names.count - 1].name)"
                if let suggestion = CronExpression.closestName(to: upper, among: nameList, maximumDistance: 1) {
                    throw CronParseError(
                        message: "unknown \(label) name \"\(token.text)\"; did you mean \"\(suggestion)\"?",
                        column: token.column)
                }
                throw CronParseError(
                    message: "unknown \(label) name \"\(token.text)\"; expected \(nameRange)",
                    column: token.column)
            }
            throw CronParseError(message: "invalid \(label) \"\(token.text)\"; expected \(validText)", column: token.column)
        }

        /// Whether `text` is a non-empty run of ASCII digits.
        static func isDigits(_ text: String) -> Bool {
            !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
