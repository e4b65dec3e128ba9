/// Durations as people write them, one grammar for every setting and flag (`catch_up`,
/// `after`, `expires_after`, `--since`): compact (`90s`, `30m`, `6h`, `1h30m`, `2d`, `1w`) or
/// in words (`6 hours`, `36 hours`, `1 day`, `2 weeks`, `1 hour 30 minutes`).
package enum DurationText {
    /// Seconds per unit, by every spelling accepted.
    private static let units: [String: Int] = [
        "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
        "d": 86400, "day": 86400, "days": 86400,
        "w": 604_800, "week": 604_800, "weeks": 604_800,
    ]

    /// What a setting's error says a duration looks like.
    package static let examples = "a duration such as 30m, 6h, 6 hours, 1d or 2 weeks"

    /// Seconds in `text`, or nil when it is not a duration: one or more number-unit pairs,
    /// spaces optional.
    package static func seconds(_ text: String) -> Int? {
        var total = 0
        var pairs = 0
        var rest = Substring(text.lowercased())
        while true {
            rest = rest.drop { $0 == " " }
            if rest.isEmpty { break }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count).drop { $0 == " " }
            let word = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(word.count)
            guard let number = Int(digits), let unit = units[String(word)] else { return nil }
            let (product, overflow) = number.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            total += product
            pairs += 1
        }
        return pairs > 0 ? total : nil
    }

    /// `1h30m` style text for `seconds`.
    package static func format(_ seconds: Int) -> String {
        if seconds == 0 { return "0s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }
}
