import Foundation
import Yams

/// `opt_out_query:` of crier.yaml: SQL over the snapshot whose `address` column lists more
/// opted-out recipients (phone numbers or email addresses), such as contacts flagged opted out.
package struct OptOutQuery: Sendable, Equatable {
    /// The SQL.
    package var query: String
    /// Where it starts in crier.yaml.
    package var location: FileLocation

    /// A query at `location`.
    package init(query: String, location: FileLocation) {
        self.query = query
        self.location = location
    }

    /// Reads `opt_out_query:`; an empty one is an error.
    static func load(_ mapping: YAMLMapping, file: YAMLFile, into diagnostics: inout DiagnosticCollector) -> OptOutQuery? {
        guard let node = mapping["opt_out_query"] else { return nil }
        guard let text = mapping.string("opt_out_query", in: "crier.yaml", into: &diagnostics) else { return nil }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            diagnostics.add(file.error("\"opt_out_query\" is empty", at: node, hint: "Write a SELECT with an `address` column, or remove the key"))
            return nil
        }
        return OptOutQuery(query: text, location: file.textLocation(of: node))
    }

    /// The problems of the prepared query: no `address` column, or a parameter other than `:now`.
    package func problems(_ prepared: PreparedQuery) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if !prepared.columns.contains("address") {
            let found = prepared.columns.map { "\"\($0)\"" }.joined(separator: ", ")
            problems.append(.error("\"opt_out_query\" has no column \"address\" (it has \(found.isEmpty ? "none" : found))", at: location,
                                   hint: "Name the column that holds the number or email address `AS address`"))
        }
        for name in prepared.parameters where name != "now" && name != "now_epoch" {
            problems.append(.error("\"opt_out_query\" uses the parameter :\(name), but only :now and :now_epoch are bound", at: location,
                                   hint: "Remove :\(name)"))
        }
        return problems
    }

    /// The diagnostic for a query that does not compile or cannot run.
    package func diagnostic(for error: any Error) -> Diagnostic {
        let placed = QueryText(query, at: location).place(error)
        return .error("\"opt_out_query\": \(placed.message)", at: placed.location,
                      hint: "Fix the SQL; until then no schedule runs, so nobody opted out is messaged", sourceLine: placed.sourceLine)
    }

    /// Runs the query over `rows` and returns the suppression keys of its `address` column.
    /// Values that are neither a phone number nor an email address are counted in `unreadable`.
    package func addresses(rows: any RowSource, at: Date, region: PhoneRegion) throws -> (keys: Set<String>, unreadable: Int) {
        var keys: Set<String> = []
        var unreadable = 0
        let parameters: [String: SQLValue] = [
            "now": .text(Timestamp.utc(at)), "now_epoch": .integer(Int64(at.timeIntervalSince1970.rounded(.down))),
        ]
        try rows.forEachRow(query: query, parameters: parameters) { row in
            guard let text = row["address"]?.text, !text.isEmpty else { return }
            if let address = OptOutAddress.parse(text, region: region) { keys.insert(address.key) } else { unreadable += 1 }
        }
        return (keys, unreadable)
    }
}
