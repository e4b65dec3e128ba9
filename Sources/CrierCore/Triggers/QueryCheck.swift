/// Checks a schedule's prepared query against what the engine and the template need, and
/// places SQL errors inside the schedule file.
package struct QueryCheck {
    /// The schedule checked.
    package var schedule: Schedule
    /// The templates (for the variables they use).
    package var templates: TemplateSet

    /// A check of `schedule`.
    package init(schedule: Schedule, templates: TemplateSet) {
        self.schedule = schedule
        self.templates = templates
    }

    /// Every problem: missing reserved columns, unknown parameters, template variables that
    /// no column provides, columns the engine shadows.
    package func problems(_ prepared: PreparedQuery) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let columns = Set(prepared.columns)
        let at = schedule.queryLocation
        var watched: [String] = []
        if case .change(let change) = schedule.trigger { watched = change.watch ?? [] }
        for column in watched where !columns.contains(column) {
            found.append(.error("schedule \"\(schedule.id)\": the change trigger watches \"\(column)\", which is no column of the query",
                                at: schedule.queryLocation, hint: Suggestion.hint(for: column, in: prepared.columns)))
        }
        for required in ["key", "recipient", schedule.trigger.timeColumn].compactMap({ $0 }) where !columns.contains(required) {
            let why = required == schedule.trigger.timeColumn ? "the \(schedule.trigger.name) trigger's time (`\(required)`)" :
                required == "key" ? "the subject each message is about (job, ticket...)" : "the phone number or email address"
            found.append(.error("schedule \"\(schedule.id)\": the query has no column \"\(required)\": it must return \(why)",
                                at: at, hint: "Add `... AS \(required)` to the SELECT list"))
        }
        for name in prepared.parameters where !QueryParameters.names.contains(name) {
            let location = locate(":\(name)")
            found.append(.error("schedule \"\(schedule.id)\": unknown query parameter \":\(name)\"", at: location,
                                hint: Suggestion.closest(to: name, in: QueryParameters.names).map { "Did you mean \":\($0)\"?" }
                                    ?? "The engine binds: " + QueryParameters.names.map { ":\($0)" }.joined(separator: ", "),
                                sourceLine: sourceLine(at: location)))
        }
        // A `channel` column lets each row choose: the template must exist for both channels.
        let channels = columns.contains("channel") ? Channel.allCases : [schedule.channel]
        for channel in channels where !templates.has(schedule.template, for: channel) {
            found.append(.error("schedule \"\(schedule.id)\": the query returns a `channel` column, so rows may choose \(channel.rawValue), but there is no templates/\(schedule.template).\(channel.rawValue).mustache",
                                at: locate("channel"), hint: "Add that template, or drop the `channel` column if every row uses \(schedule.channel.rawValue)"))
        }
        for column in schedule.times where !columns.contains(column) {
            found.append(.error("schedule \"\(schedule.id)\": \"times\" lists \"\(column)\", which is no column of the query",
                                at: at, hint: Suggestion.hint(for: column, in: prepared.columns)))
        }
        let triggerTime = schedule.trigger.timeNamespace
        for part in channels.flatMap({ templates.variables(schedule.template, for: $0) }) {
            for name in part.unknownVariables(columns: columns, timeColumns: Set(schedule.times), triggerTime: triggerTime) {
                let head = String(name.prefix { $0 != "." })
                if CompiledTemplate.triggerTimes.contains(head), head != triggerTime {
                    found.append(.error("template variable {{\(name)}}: schedule \"\(schedule.id)\"'s \(schedule.trigger.name) trigger has no {{\(head)}} time",
                                        at: part.location,
                                        hint: "Use {{slot.*}} for the run's time, or list the column under `times:` and write {{COLUMN.time}}"
                                            + (triggerTime.map { "; this trigger's own time is {{\($0).*}}" } ?? "")))
                    continue
                }
                let hint: String
                if name.contains("."), head == triggerTime || head == "slot" || schedule.times.contains(head) {
                    hint = "Fields of {{\(head)}}: " + TimeView.fields.map(\.name).joined(separator: ", ")
                } else {
                    let known = prepared.columns + CompiledTemplate.engineValues.sorted()
                    hint = Suggestion.closest(to: name, in: known).map { "Did you mean {{\($0)}}?" }
                        ?? "Add the column to schedule \"\(schedule.id)\"'s query (columns: \(prepared.columns.joined(separator: ", ")))"
                }
                let (location, line) = part.locate(name)
                found.append(.error("template variable {{\(name)}} is no column of schedule \"\(schedule.id)\"'s query",
                                    at: location, hint: hint, sourceLine: line))
            }
        }
        for name in prepared.columns where CompiledTemplate.engineNamespaces.contains(name) || CompiledTemplate.engineValues.contains(name) {
            found.append(.warning("schedule \"\(schedule.id)\": column \"\(name)\" is shadowed by the engine's {{\(name)}} in templates",
                                  at: locate(name), hint: "Rename the column (AS other_name) to use it in a template"))
        }
        return found
    }

    /// A query failure, placed at the line of the query that holds the name SQLite complains of.
    package func diagnostic(for error: any Error) -> Diagnostic {
        let placed = QueryText(schedule.query, at: schedule.queryLocation).place(error)
        return .error("schedule \"\(schedule.id)\": query failed: \(placed.message)", at: placed.location,
                      hint: (error as? QueryError)?.hint ?? "Fix the query", sourceLine: placed.sourceLine)
    }

    private func sourceLine(at location: FileLocation) -> String? {
        QueryText(schedule.query, at: schedule.queryLocation).sourceLine(at: location)
    }

    /// The location in the schedule file of the first occurrence of `token` in the query.
    package func locate(_ token: String) -> FileLocation {
        QueryText(schedule.query, at: schedule.queryLocation).locate(token)
    }
}

/// SQL as written in a YAML file, to place problems at the line and column of the file that
/// holds them.
package struct QueryText {
    /// The SQL.
    package var query: String
    /// Where its text starts in the file.
    package var location: FileLocation

    /// `query` starting at `location`.
    package init(_ query: String, at location: FileLocation) {
        self.query = query
        self.location = location
    }

    /// The file's text at `location`, rebuilt from the query (block scalars lose their
    /// indentation when YAML reads them).
    package func sourceLine(at target: FileLocation) -> String? {
        let lines = query.split(separator: "\n", omittingEmptySubsequences: false)
        let index = target.line - location.line
        guard index >= 0, index < lines.count else { return nil }
        return String(repeating: " ", count: max(0, location.column - 1)) + lines[index]
    }

    /// The location in the file of the first occurrence of `token` in the query (the query's
    /// start when it has none).
    package func locate(_ token: String) -> FileLocation {
        let lines = query.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if let range = line.range(of: token) {
                let column = line.distance(from: line.startIndex, to: range.lowerBound)
                return FileLocation(file: location.file, line: location.line + index, column: location.column + column)
            }
        }
        return location
    }

    /// The location just after the query's last character that is not white space.
    package var end: FileLocation {
        let lines = query.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = lines.lastIndex(where: { !$0.allSatisfy(\.isWhitespace) }) else { return location }
        let text = lines[index].reversed().drop(while: \.isWhitespace)
        return FileLocation(file: location.file, line: location.line + index, column: location.column + text.count)
    }

    /// Where a query failure belongs: at the name SQLite complains of, with its line.
    package func place(_ error: any Error) -> (message: String, location: FileLocation, sourceLine: String?) {
        var message = "\(error)"
        var at = location
        if let queryError = error as? QueryError {
            message = queryError.message
            if queryError.kind == .incomplete {
                at = end
            } else if let token = queryError.token {
                at = locate(token)
            }
        }
        return (message, at, sourceLine(at: at))
    }
}
