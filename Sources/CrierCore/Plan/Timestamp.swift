import Foundation

/// ISO 8601 and Unix-seconds timestamps as the snapshot stores them, parsed without
/// Foundation formatters (fast, Sendable, exact).
package enum Timestamp {
    /// Parses `2026-11-24T20:30:00Z`, `2026-11-25T09:30:00+13:00`, `...+1300`, `...+13`, with
    /// optional fractional seconds and `T` or a space between date and time, or integer Unix
    /// seconds. Text without an offset is refused: its zone would be a guess.
    package static func parse(_ value: SQLValue) -> Date? {
        switch value {
        case .integer(let seconds): return Date(timeIntervalSince1970: TimeInterval(seconds))
        case .real(let seconds): return Date(timeIntervalSince1970: seconds)
        case .text(let text):
            if let seconds = Int64(text) { return Date(timeIntervalSince1970: TimeInterval(seconds)) }
            return parseISO(text)
        default: return nil
        }
    }

    /// Parses ISO 8601 text with an offset or `Z`.
    package static func parseISO(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(parseISO)
    }

    /// `parseISO` on the text's bytes (no copy of them).
    private static func parseISO(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func number(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in 0..<count {
                let c = b[i + k]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
              (1...12).contains(month), let date = LocalDate(year: year, month: month, day: day) else { return nil }
        guard i < b.count, b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil }
        i += 1
        guard let hour = number(2), hour < 24, expect(58), let minute = number(2), minute < 60 else { return nil }
        var second = 0.0
        if expect(58) {
            guard let whole = number(2), whole < 61 else { return nil }
            second = Double(whole)
            if i < b.count, b[i] == 46 || b[i] == 44 {
                i += 1
                var scale = 0.1
                var any = false
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    second += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                    any = true
                }
                guard any else { return nil }
            }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            i += 1
            guard let oh = number(2), oh <= 18 else { return nil }
            var om = 0
            if i < b.count {
                _ = expect(58)
                guard let m = number(2), m < 60 else { return nil }
                om = m
            }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = date.daysSinceEpoch
        let seconds = Double(days * 86400 + hour * 3600 + minute * 60 - offset) + second
        return Date(timeIntervalSince1970: seconds)
    }

    /// `2026-11-24T07:30:00Z`: whole seconds, UTC.
    package static func utc(_ date: Date) -> String {
        let total = Int(floor(date.timeIntervalSince1970))
        let days = Int(floor(Double(total) / 86400))
        let rest = total - days * 86400
        let civil = LocalDate(daysSinceEpoch: days)
        var text: [UInt8] = []
        text.reserveCapacity(20)
        /// `n` in decimal, zero-padded to `width` digits.
        func append(_ n: Int, width: Int) {
            let digits = String(n).utf8
            text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - digits.count)))
            text.append(contentsOf: digits)
        }
        append(civil.year, width: 4)
        text.append(UInt8(ascii: "-"))
        append(civil.month, width: 2)
        text.append(UInt8(ascii: "-"))
        append(civil.day, width: 2)
        text.append(UInt8(ascii: "T"))
        append(rest / 3600, width: 2)
        text.append(UInt8(ascii: ":"))
        append(rest % 3600 / 60, width: 2)
        text.append(UInt8(ascii: ":"))
        append(rest % 60, width: 2)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// `2026-11-24T20:30:00+13:00`: whole seconds, in `zone`.
    package static func local(_ date: Date, in zone: TimeZone) -> String {
        TimeView(date, in: zone).renderText
    }
}
