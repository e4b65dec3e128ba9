import Foundation

/// A loaded config repository: settings, the schedules that can run, the templates, and every
/// problem found. A broken schedule never stops the others: it is left out and reported.
package struct ConfigRepository: Sendable {
    /// The settings.
    package var config: Config
    /// Schedules that loaded without errors, by id order.
    package var schedules: [Schedule]
    /// Ids of schedules that have errors (left out of `schedules`).
    package var invalidSchedules: [String]
    /// The templates.
    package var templates: TemplateSet
    /// Every problem found, in file order.
    package var diagnostics: [Diagnostic]
    /// SHA-256 of all the files.
    package var sha256: String

    /// Loads everything in `files`. Nil when crier.yaml itself cannot be used; the
    /// diagnostics say why.
    package static func load(_ files: ConfigFiles, into collector: inout DiagnosticCollector) -> ConfigRepository? {
        var diagnostics = DiagnosticCollector()
        defer { collector.add(contentsOf: diagnostics.diagnostics) }
        guard let config = Config.load(path: files.configPath, directory: files.directory, text: files.configText, into: &diagnostics) else {
            return nil
        }
        let templates = TemplateSet.load(files: files.templates, unreadable: files.encodingProblems, into: &diagnostics)
        if config.attachmentsDir == nil {
            for template in templates.email.values.sorted(by: { $0.name < $1.name }) {
                for attachment in template.attachments {
                    guard case .file = attachment.source else { continue }
                    diagnostics.error("a `file:` attachment needs attachments_dir in crier.yaml: files are only ever read from there",
                                      at: attachment.location, hint: "Add e.g. `attachments_dir: attachments` to crier.yaml")
                }
            }
        }
        var schedules: [Schedule] = []
        var invalid: [String] = []
        for file in files.schedules {
            if let problem = files.encodingProblems[file.path] {
                diagnostics.add(problem)
                invalid.append(Schedule.id(forFile: file.path))
                continue
            }
            var local = DiagnosticCollector()
            let schedule = Schedule.load(path: file.path, text: file.text, defaults: config, templates: templates, into: &local)
            if let schedule, schedule.channel == .email, config.email.from == nil {
                local.error("schedule \"\(schedule.id)\" sends email but crier.yaml has no email.from",
                            at: FileLocation(file: files.configPath), hint: "Add email: { from: \"Name <address@example.com>\" }")
            }
            diagnostics.add(contentsOf: local.diagnostics)
            if let schedule, !local.hasErrors {
                schedules.append(schedule)
            } else {
                invalid.append(Schedule.id(forFile: file.path))
            }
        }
        schedules.sort { $0.id < $1.id }
        return ConfigRepository(config: config, schedules: schedules, invalidSchedules: invalid.sorted(),
                                templates: templates, diagnostics: diagnostics.diagnostics, sha256: files.sha256)
    }
}
