import CrierCore
import Foundation

/// What the HTML previews (`plan --format html`, `forecast --format html`) share: escaping,
/// a self-contained page whose Content-Security-Policy forbids every network request, and
/// times written for people.
enum HTMLPage {
    /// The policy of every page and of every email HTML alternative shown in a frame: nothing
    /// may be fetched (no images, fonts, styles or scripts from anywhere); inline styles and
    /// `data:` images only.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"

    /// `text` escaped for HTML text and for attribute values in double quotes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// A complete page: the policy, the style sheet, no script.
    static func page(title: String, style: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="\(contentSecurityPolicy)">
        <meta name="referrer" content="no-referrer">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        \(baseStyle)\(style)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// `Mon 23 Nov 2026, 5:00pm` in `zone`.
    static func time(_ instant: Date, in zone: TimeZone) -> String {
        let view = TimeView(instant, in: zone)
        func field(_ name: String) -> String { view.child(named: name) as? String ?? "" }
        return "\(field("weekday_short")) \(field("day")) \(field("month_short")) \(field("year")), \(field("time12"))"
    }

    /// `Monday 23 November` for a date `2026-11-23`.
    static func day(_ date: LocalDate) -> String {
        let view = TimeView(WallClock.instant(date, hour: 12, minute: 0, in: TimeZone(identifier: "UTC")!), in: TimeZone(identifier: "UTC")!)
        func field(_ name: String) -> String { view.child(named: name) as? String ?? "" }
        return "\(field("weekday")) \(field("day")) \(field("month"))"
    }

    /// `1 text message`, `2 text messages`.
    static func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        "\(number) \(number == 1 ? singular : plural)"
    }

    private static let baseStyle = """
        :root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --paper: #f5f7fa;
          --send: #1b7f3b; --skip: #a3461b; --wait: #7a5b00; --accent: #2458b3; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
          color: var(--ink); background: var(--paper); }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 0 0 4px; }
        h3 { font-size: 15px; margin: 12px 0 6px; }
        p { margin: 4px 0; }
        .muted { color: var(--muted); }
        .panel { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin: 16px 0; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 13px; color: var(--muted); font-weight: 600; }
        .tag { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 13px; background: #eef1f6; }
        .tag.send { background: #e3f4e8; color: var(--send); }
        .tag.skip { background: #fbeae2; color: var(--skip); }
        .tag.wait { background: #fbf3d9; color: var(--wait); }
        code { font-size: 13px; }

        """
}
