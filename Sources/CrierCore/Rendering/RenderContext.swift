import Foundation
import Mustache

/// What a template renders against: one row's columns plus the engine's variables. Records the
/// names that were interpolated while NULL or absent, so that such an item is skipped
/// (`missing-variable: NAME`) instead of going out with a blank.
package final class RenderContext: MustacheParent {
    private let row: Row
    private let engine: [String: Any]
    /// Interpolated names whose value was NULL or missing, in first-seen order.
    package private(set) var missing: [String] = []
    /// Interpolated names whose text in the snapshot is not UTF-8, in first-seen order.
    package private(set) var invalidText: [String] = []

    /// A context over `row`; `engine` variables (e.g. `at`, `occurrence`) shadow columns.
    package init(row: Row, engine: [String: Any]) {
        self.row = row
        self.engine = engine
    }

    /// The engine's variable or the column's value; NULL comes back as a value that renders
    /// nothing, is false in sections, and records the miss when interpolated.
    package func child(named name: String) -> Any? {
        if let value = engine[name] { return value }
        guard let index = row.index(of: name) else {
            noteMissing(name)
            return nil
        }
        switch row.values[index] {
        case .null: return NullValue(name: name, context: self)
        case .integer(let value): return value
        case .real(let value): return value
        case .text(let value): return value
        case .blob(let bytes): return "<\(bytes.count) bytes>"
        case .invalidText: return InvalidText(name: name, context: self)
        }
    }

    fileprivate func noteMissing(_ name: String) {
        if !missing.contains(name) { missing.append(name) }
    }

    fileprivate func noteInvalid(_ name: String) {
        if !invalidText.contains(name) { invalidText.append(name) }
    }
}

/// A NULL column: false in sections, a recorded miss where interpolated, also through a field
/// (`{{pickup_at.time}}` of a NULL time column).
struct NullValue: MustacheCustomRenderable, MustacheTransformable, MustacheParent {
    let name: String
    let context: RenderContext

    var renderText: String {
        context.noteMissing(name)
        return ""
    }

    var isNull: Bool { true }

    func transform(_ name: String) -> Any? { self }

    func child(named name: String) -> Any? { self }
}

/// Snapshot text that is not UTF-8: true in sections, a recorded problem where interpolated.
struct InvalidText: MustacheCustomRenderable {
    let name: String
    let context: RenderContext

    var renderText: String {
        context.noteInvalid(name)
        return ""
    }

    var isNull: Bool { false }
}

/// Finds the variable names a template uses, by rendering it against a context that answers
/// every name and writes it down. `{{at.time}}` is recorded as `at.time`.
package final class VariableRecorder: MustacheParent {
    private var recorded: [String] = []
    /// A name a namespace has no field for (`pickup_at.code`), held until it is known whether
    /// Mustache goes on to look the bare name up further down the stack, as it does inside
    /// `{{#pickup_at}}...{{/pickup_at}}`: then it was no field access at all.
    private var pending: (name: String, bare: String)?
    private let namespaces: Set<String>

    /// Names seen, in first-seen order.
    package var names: [String] {
        guard let held = pending, !recorded.contains(held.name) else { return recorded }
        return recorded + [held.name]
    }

    /// A recorder that treats `namespaces` (e.g. `at`) as objects with fields.
    package init(namespaces: Set<String>) {
        self.namespaces = namespaces
    }

    /// Records `name` and answers a placeholder.
    package func child(named name: String) -> Any? {
        if pending?.bare == name { pending = nil }
        record(name)
        if namespaces.contains(name) { return NamespaceRecorder(prefix: name, recorder: self) }
        return "x"
    }

    fileprivate func record(_ name: String) {
        if let held = pending {
            pending = nil
            record(held.name)
        }
        if !recorded.contains(name) { recorded.append(name) }
    }

    fileprivate func hold(_ name: String, bare: String) {
        if let held = pending { record(held.name) }
        pending = (name, bare)
    }
}

/// Records `prefix.field` names.
private struct NamespaceRecorder: MustacheParent, CustomStringConvertible {
    let prefix: String
    let recorder: VariableRecorder

    func child(named name: String) -> Any? {
        let fields = prefix == "changes" ? CompiledTemplate.changeFields : TimeView.fieldNames
        guard fields.contains(name) else {
            // `{{pickup_at.tme}}`, or `{{name}}` / `{{pickup_at.time}}` inside `{{#pickup_at}}`.
            recorder.hold("\(prefix).\(name)", bare: name)
            return nil
        }
        recorder.record("\(prefix).\(name)")
        return "x"
    }

    var description: String { "x" }
}
