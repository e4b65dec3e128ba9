import CrierCore
import Foundation

/// `crier validate`'s check of the PDF templates (`templates/NAME.pdf.mustache`): each is laid
/// out as it is written, without a row, so that a Pango markup mistake is reported at the
/// template's line and column before any message needs it.
///
/// Every Mustache tag is blanked (each of its characters becomes a space, newlines kept), so
/// lines and columns stay those of the file and values, which are escaped anyway, play no part.
/// Hence the rule the README states: open and close each element in the same section. An
/// error inside an element whose attribute holds a tag (`<span foreground="{{colour}}">`) is not
/// reported, since only a row's value can say whether it is valid.
package enum PDFTemplateCheck {
    /// Where the PDFs of the check say they were made.
    private static let epoch = Date(timeIntervalSince1970: 0)

    /// One diagnostic per template whose markup Pango refuses, by template name.
    package static func problems(_ templates: [String: CompiledTemplate]) -> [Diagnostic] {
        templates.sorted { $0.key < $1.key }.compactMap { name, template -> Diagnostic? in
            let blanked = blank(template.text)
            do throws(PDFError) {
                _ = try PDFRenderer.render(markup: blanked, title: name, created: epoch)
                return nil
            } catch .invalidMarkup(let reason) {
                return diagnostic(reason, template: template, blanked: blanked)
            } catch {
                return .error("the PDF template could not be laid out: \(error)", at: template.location,
                              hint: "Check that Cairo, Pango and fonts-dejavu-core are installed (contrib/install-deps.sh)")
            }
        }
    }

    /// `text` with every `{{...}}` / `{{{...}}}` tag turned into spaces (newlines kept).
    static func blank(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let triple = rest[open.upperBound...].hasPrefix("{")
            guard let close = rest[open.upperBound...].range(of: triple ? "}}}" : "}}") else { break }
            out += rest[open.lowerBound..<close.upperBound].map { $0 == "\n" ? "\n" : " " }.joined()
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The diagnostic of Pango's `reason` ("Error on line 3 char 7: ...", "... on line 3 char 7",
    /// "Value of 'size' attribute on <span> tag on line 3 could not be parsed..."): placed in the
    /// template's file, with the fix; nil when the element's attribute holds a Mustache tag.
    static func diagnostic(_ reason: String, template: CompiledTemplate, blanked: String) -> Diagnostic? {
        let lines = template.text.split(separator: "\n", omittingEmptySubsequences: false)
        let blankLines = blanked.split(separator: "\n", omittingEmptySubsequences: false)
        let match = reason.firstMatch(of: #/line (\d+)(?: char (\d+))?/#)
        if let open = reason.firstMatch(of: #/Element “markup” was closed, but the currently open element is “(.+)”/#)?.1,
           let at = opening(of: String(open), in: blankLines) {
            // Pango notices at the end of the text: show where the element was opened.
            return .error("not valid Pango markup: \(message(reason))",
                          at: FileLocation(file: template.location.file, line: template.location.line + at.line, column: at.column + 1),
                          hint: hint(for: reason), sourceLine: String(lines[at.line]))
        }
        guard let line = match.flatMap({ Int($0.1) }), line >= 1, line <= lines.count else {
            return .error("not valid Pango markup: \(message(reason))", at: template.location, hint: hint(for: reason))
        }
        let source = lines[line - 1], shown = blankLines[line - 1]
        var column: Int?  // 0-based, in characters (blanking keeps the characters of each line)
        if let byte = match?.2.flatMap({ Int($0) }) {
            // GMarkup counts bytes: on the first line after the `<markup>` Pango wraps the text in,
            // on the others from the newline. That is the end of the element: show its `<`.
            let end = min(max(0, line == 1 ? byte - "<markup>".utf8.count : byte - 1), shown.utf8.count)
            let before = shown[..<shown.utf8.index(shown.startIndex, offsetBy: end)]
            column = before.lastIndex(of: "<").map { shown.distance(from: shown.startIndex, to: $0) }
        } else if let attribute = reason.firstMatch(of: #/'([a-z_]+)' attribute/#)?.1, let at = shown.range(of: "\(attribute)=") {
            column = shown.distance(from: shown.startIndex, to: at.lowerBound)
        } else if reason.contains("ampersand") {
            column = shown.firstStrayAmpersand
        }
        if let column, source.element(around: column).contains("{{") { return nil }
        return .error("not valid Pango markup: \(message(reason))",
                      at: FileLocation(file: template.location.file, line: template.location.line + line - 1, column: (column ?? 0) + 1),
                      hint: hint(for: reason), sourceLine: String(source))
    }

    /// The 0-based line and character of the last `<NAME>` or `<NAME ...>` in `lines`.
    private static func opening(of name: String, in lines: [Substring]) -> (line: Int, column: Int)? {
        for (index, line) in lines.enumerated().reversed() {
            if let range = line.ranges(of: "<\(name)").last(where: { [">", " "].contains(line[$0.upperBound...].first) }) {
                return (index, line.distance(from: line.startIndex, to: range.lowerBound))
            }
        }
        return nil
    }

    /// Pango's message without its position (crier gives FILE:LINE:COL), and without the
    /// `<markup>` element Pango wraps the text in.
    static func message(_ reason: String) -> String {
        let text = reason.replacing(#/^Error on line \d+(?: char \d+)?: /#, with: "").replacing(#/ on line \d+(?: char \d+)?/#, with: "")
        if let open = text.firstMatch(of: #/Element “markup” was closed, but the currently open element is (.+)$/#) {
            return "element \(open.1) is never closed"
        }
        return text
    }

    /// What to do about Pango's `reason`.
    static func hint(for reason: String) -> String {
        let reference = "see https://docs.gtk.org/Pango/pango_markup.html"
        if reason.contains("Element “markup” was closed") {
            return "Close it in the same template, inside the same {{#section}} it was opened in"
        }
        if reason.contains("was closed, but the currently open element") {
            return "Close elements in the reverse order of opening: <b><i>text</i></b>"
        }
        if reason.contains("Unknown tag") {
            return "Pango knows <b>, <big>, <i>, <s>, <sub>, <sup>, <small>, <tt>, <u> and <span attribute=\"...\">; \(reference)"
        }
        if reason.lowercased().contains("attribute") {
            return "Use the <span> attributes and values Pango knows (size=\"large\", weight=\"bold\", foreground=\"#555555\"...); \(reference)"
        }
        if reason.contains("&") || reason.contains("“<”") || reason.contains("Entity") {
            return "Write & as &amp;, < as &lt; and > as &gt; in the template's own text (values from {{x}} are escaped for you)"
        }
        return "Fix the markup; \(reference)"
    }
}

private extension Substring {
    /// The element tag (`<...>`) around character `offset`, or nothing when it is outside one.
    func element(around offset: Int) -> Substring {
        let at = index(startIndex, offsetBy: Swift.min(offset, count))
        guard let open = at < endIndex && self[at] == "<" ? at : self[..<at].lastIndex(of: "<"),
              self[open..<at].firstIndex(of: ">") == nil else { return "" }
        let tail = self[open...]
        return tail.firstIndex(of: ">").map { tail[...$0] } ?? tail
    }

    /// The character offset of the first `&` that starts no entity (`&amp;`, `&#39;`, `&#x2014;`).
    var firstStrayAmpersand: Int? {
        for (offset, index) in indices.enumerated() where self[index] == "&" {
            if self[self.index(after: index)...].prefixMatch(of: #/#?[A-Za-z0-9]+;/#) == nil { return offset }
        }
        return nil
    }
}
