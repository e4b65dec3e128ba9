import Yams

/// A parsed YAML file that keeps its text, so that every problem can name its line and column.
package struct YAMLFile: Sendable {
    /// The path shown to people (relative to the config folder where possible).
    package let path: String
    /// The file's text.
    package let text: String
    /// The text split into lines, for source snippets.
    private let lines: [Substring]

    /// A file that `compose` can read.
    package init(path: String, text: String) {
        self.path = path
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The root node, or the syntax error as a located diagnostic. An empty file gives nil.
    package func compose() -> Result<Node?, Diagnostic> {
        do {
            return .success(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            return .failure(diagnostic(for: error))
        } catch {
            return .failure(.error("cannot read YAML: \(error)", at: FileLocation(file: path)))
        }
    }

    /// The location of `node` in this file.
    package func location(of node: Node) -> FileLocation {
        guard let mark = node.mark else { return FileLocation(file: path) }
        return FileLocation(file: path, line: mark.line, column: mark.column)
    }

    /// Where the text of scalar `node` starts: the line after the indicator for a block scalar
    /// (`|`, `>`), past the opening quote for a quoted one.
    package func textLocation(of node: Node) -> FileLocation {
        var location = location(of: node)
        if let scalar = node.scalar, scalar.style == .literal || scalar.style == .folded {
            // Block scalars start on the next line; their indentation is that line's.
            let next = sourceLine(location.line + 1) ?? ""
            location = FileLocation(file: path, line: location.line + 1, column: next.prefix(while: { $0 == " " }).count + 1)
        } else if node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted {
            location.column += 1
        }
        return location
    }

    /// The text of 1-based `line`, without its line end.
    package func sourceLine(_ line: Int) -> String? {
        guard line >= 1, line <= lines.count else { return nil }
        var text = String(lines[line - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// An error at `node`, with the source line under it.
    package func error(_ message: String, at node: Node, hint: String? = nil) -> Diagnostic {
        let location = location(of: node)
        return .error(message, at: location, hint: hint, sourceLine: sourceLine(location.line))
    }

    /// A warning at `node`, with the source line under it.
    package func warning(_ message: String, at node: Node, hint: String? = nil) -> Diagnostic {
        let location = location(of: node)
        return .warning(message, at: location, hint: hint, sourceLine: sourceLine(location.line))
    }

    /// An error at an explicit location in this file.
    package func error(_ message: String, line: Int, column: Int, hint: String? = nil) -> Diagnostic {
        .error(message, at: FileLocation(file: path, line: line, column: column), hint: hint,
               sourceLine: sourceLine(line))
    }

    private func diagnostic(for error: YamlError) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return self.error(message, line: mark.line, column: mark.column,
                              hint: "Fix the YAML syntax (indentation, quotes, colons)")
        case .reader(let problem, _, _, _):
            return .error("invalid YAML: \(problem)", at: FileLocation(file: path),
                          hint: "Save the file as UTF-8 text")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return self.error("duplicate key \(duplicates.map { "\"\($0)\"" }.joined(separator: ", "))",
                              line: context.mark.line, column: context.mark.column,
                              hint: "Keep one of them")
        default:
            return .error("invalid YAML: \(error)", at: FileLocation(file: path))
        }
    }
}
