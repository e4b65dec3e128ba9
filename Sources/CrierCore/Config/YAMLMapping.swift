import Yams

/// A YAML mapping read key by key, reporting unknown keys and wrong types with their position.
package struct YAMLMapping {
    /// The file the mapping is in.
    package let file: YAMLFile
    /// The mapping node itself.
    package let node: Node
    /// Keys in file order with their nodes.
    package let entries: [(key: String, keyNode: Node, value: Node)]

    /// Reads `node` as a mapping; anything else is an error naming `what`.
    package static func read(_ node: Node, in file: YAMLFile, what: String, into diagnostics: inout DiagnosticCollector) -> YAMLMapping? {
        guard let mapping = node.mapping else {
            diagnostics.add(file.error("\(what) must be a mapping of keys to values", at: node,
                                       hint: "Write it as `key: value` lines"))
            return nil
        }
        let entries = mapping.map { pair in (key: pair.key.string ?? "", keyNode: pair.key, value: pair.value) }
        return YAMLMapping(file: file, node: node, entries: entries)
    }

    /// The value of `key`, if present.
    package subscript(key: String) -> Node? {
        entries.first { $0.key == key }?.value
    }

    /// Reports every key not in `allowed`, with a suggestion.
    package func rejectUnknownKeys(allowed: [String], in what: String, into diagnostics: inout DiagnosticCollector) {
        for entry in entries where !allowed.contains(entry.key) {
            var hint = Suggestion.hint(for: entry.key, in: allowed)
            // A misspelt `password:` holds a secret: point at where secrets go, never repeat it.
            if Redaction.isSecretKey(entry.key) {
                let sources = allowed.filter { $0.hasSuffix("_env") || $0.hasSuffix("_file") }
                hint = sources.isEmpty
                    ? "Secrets do not belong in YAML kept in git: remove it"
                    : "Secrets do not belong in YAML kept in git: use " + sources.joined(separator: " or ") + " instead"
            }
            diagnostics.add(file.error("unknown key \"\(entry.key)\" in \(what)", at: entry.keyNode, hint: hint))
        }
    }

    /// A required or optional scalar string.
    package func string(_ key: String, required: Bool = false, in what: String, into diagnostics: inout DiagnosticCollector) -> String? {
        guard let value = self[key] else {
            if required {
                diagnostics.add(file.error("\(what) needs \"\(key)\"", at: node, hint: "Add a `\(key):` line"))
            }
            return nil
        }
        guard let scalar = value.scalar else {
            diagnostics.add(file.error("\"\(key)\" must be a single value, not a list or mapping", at: value))
            return nil
        }
        return scalar.string
    }

    /// An optional boolean (`true` / `false`).
    package func bool(_ key: String, into diagnostics: inout DiagnosticCollector) -> Bool? {
        guard let value = self[key] else { return nil }
        switch value.scalar?.string.lowercased() {
        case "true"?: return true
        case "false"?: return false
        default:
            diagnostics.add(file.error("\"\(key)\" must be true or false, not \(quoted(value))", at: value))
            return nil
        }
    }

    /// An optional integer in `range`.
    package func int(_ key: String, in range: ClosedRange<Int>, into diagnostics: inout DiagnosticCollector) -> Int? {
        guard let value = self[key] else { return nil }
        guard let text = value.scalar?.string, let number = Int(text), range.contains(number) else {
            diagnostics.add(file.error("\"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(quoted(value))", at: value))
            return nil
        }
        return number
    }

    /// A nested mapping under `key`, if present.
    package func mapping(_ key: String, in what: String, into diagnostics: inout DiagnosticCollector) -> YAMLMapping? {
        guard let value = self[key] else { return nil }
        return YAMLMapping.read(value, in: file, what: "\"\(key)\" in \(what)", into: &diagnostics)
    }

    /// The node's text quoted for a message, or a word for what it is.
    package func quoted(_ node: Node) -> String {
        if let scalar = node.scalar { return "\"\(scalar.string)\"" }
        return node.mapping != nil ? "a mapping" : "a list"
    }
}
