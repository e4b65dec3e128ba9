import Mustache

/// A parsed Mustache template with the variable names it uses and where its text starts.
package struct CompiledTemplate: Sendable {
    /// Names the engine provides as objects with fields (`{{at.time}}`).
    package static let engineNamespaces: Set<String> = ["at", "since", "slot", "changes"]
    /// Time views only some triggers offer (`at`: upcoming, `since`: overdue).
    package static let triggerTimes: Set<String> = ["at", "since"]
    /// Names the engine provides as plain values.
    package static let engineValues: Set<String> = ["occurrence", "schedule", "event", "occurrence_number", "occurrence_ordinal", "repeat",
                                                           "is_enter", "is_leave", "is_change"]
    /// Fields of each entry of `{{#changes}}`.
    package static let changeFields: Set<String> = ["column", "old", "new"]

    /// Where the template's text starts (file, first line).
    package let location: FileLocation
    /// The parsed template.
    package let mustache: MustacheTemplate
    /// Variable names used, in first-use order; namespace fields as `at.time`.
    package let variables: [String]
    /// The template's text as written.
    package let text: String
    /// The same template rendered without swift-mustache, when it is only text, plain tags and sections.
    let plain: PlainTemplate?

    /// Parses `text`. Plain-text templates (SMS, email text, headers) never HTML-escape;
    /// `html` ones escape `{{x}}` (and not `{{{x}}}`). Parse errors are located in the file.
    package static func compile(_ text: String, at location: FileLocation, html: Bool, into diagnostics: inout DiagnosticCollector) -> CompiledTemplate? {
        // The pragma stands alone on its own line, which Mustache removes whole; errors are
        // therefore one line down and shifted back below.
        let source = html ? text : "{{% CONTENT_TYPE: TEXT}}\n" + text
        let mustache: MustacheTemplate
        do {
            mustache = try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber - (html ? 1 : 2)
            diagnostics.add(.error(
                "template syntax: \(describe(error.error))",
                at: FileLocation(file: location.file, line: location.line + line, column: error.context.columnNumber),
                hint: "Check the {{ }} tags: every {{#x}} needs its {{/x}}",
                sourceLine: error.context.line))
            return nil
        } catch {
            diagnostics.error("template syntax: \(error)", at: location)
            return nil
        }
        let recorder = VariableRecorder(namespaces: engineNamespaces)
        _ = mustache.render(recorder)
        return CompiledTemplate(location: location, mustache: mustache, variables: recorder.names, text: text,
                                plain: PlainTemplate(text, html: html, mustache: mustache))
    }

    /// Renders against `context`; the names interpolated while NULL or absent are in `context.missing`.
    package func render(_ context: RenderContext) -> String {
        plain?.render(context) ?? mustache.render(context)
    }

    /// Where `variable` is first used (the start of its name inside `{{ }}`), with that line
    /// of the file; the template's start when it cannot be found.
    package func locate(_ variable: String) -> (location: FileLocation, sourceLine: String?) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                let name = rest[open.upperBound...].drop { "{&#^ ".contains($0) }
                if name.hasPrefix(variable), name.dropFirst(variable.count).first.map({ "} |".contains($0) }) ?? true {
                    let column = line.distance(from: line.startIndex, to: name.startIndex) + (index == 0 ? location.column : 1)
                    // A front-matter value's first line is not the whole line of the file: no excerpt.
                    let shown = index == 0 && location.column > 1 ? nil : String(line)
                    return (FileLocation(file: location.file, line: location.line + index, column: column), shown)
                }
                rest = rest[open.upperBound...]
            }
        }
        return (location, nil)
    }

    /// The variables that neither `columns` nor the engine provide. `timeColumns` are columns
    /// read as time views (`times:`); `triggerTime` is the trigger's own view (`at`, `since` or
    /// none), so that `{{at.time}}` in a change trigger's template is reported.
    package func unknownVariables(columns: Set<String>, timeColumns: Set<String> = [], triggerTime: String? = nil) -> [String] {
        let names: [String]
        if timeColumns.isEmpty {
            names = variables
        } else {
            let recorder = VariableRecorder(namespaces: Self.engineNamespaces.union(timeColumns))
            _ = mustache.render(recorder)
            names = recorder.names
        }
        let absent = Self.triggerTimes.subtracting([triggerTime].compactMap { $0 })
        return names.filter { name in
            let dot = name.firstIndex(of: ".")
            let head = dot.map { String(name[..<$0]) } ?? name
            // `{{at.time}}` records `at` too: report the field only.
            if absent.contains(head) { return dot != nil || !names.contains { $0.hasPrefix(head + ".") } }
            guard let dot else {
                return !(columns.contains(name) || Self.engineValues.contains(name) || Self.engineNamespaces.contains(name))
            }
            let field = String(name[name.index(after: dot)...])
            if head == "changes" { return !Self.changeFields.contains(field) }
            if Self.engineNamespaces.contains(head) || timeColumns.contains(head) { return !TimeView.fields.contains { $0.name == field } }
            return !columns.contains(head)
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "a section is closed with the wrong name"
        case .unfinishedName?: return "a tag is not closed (missing }})"
        case .expectedSectionEnd?: return "a section is never closed (missing {{/name}})"
        case .invalidSetDelimiter?: return "bad set-delimiter tag"
        default: return "\(error)"
        }
    }
}
