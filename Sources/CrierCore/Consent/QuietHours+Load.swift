import Foundation
import Yams

extension QuietHours {
    /// Reads `quiet_hours:` of crier.yaml or a schedule; a bad value is an error located at it.
    static func load(_ mapping: YAMLMapping, file: YAMLFile, into diagnostics: inout DiagnosticCollector) -> QuietHours? {
        guard let node = mapping["quiet_hours"] else { return nil }
        if let text = node.scalar?.string, let hours = QuietHours.parse(text) { return hours }
        diagnostics.add(file.error("\"quiet_hours\" must be a span of the 24-hour clock such as \"21:00-08:00\" (or none), not \(mapping.quoted(node))",
                                   at: node, hint: "Write start-end in the schedule's zone; it may cross midnight"))
        return nil
    }
}
