import ArgumentParser
import CrierCore

/// `crier schema [crier|schedule|front-matter]`: prints a file kind's JSON Schema.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of crier.yaml, a schedule, or an email template's front matter.",
        discussion: """
            For editors: save it (the repository ships them in schemas/) and start a file with
            # yaml-language-server: $schema=schemas/schedule.schema.json
            `crier validate` stays the full check (cron, zones, templates, queries).
            """)

    @Argument(help: ArgumentHelp("crier, schedule or front-matter.", valueName: "KIND"))
    var kind: ConfigSchema = .crier

    func run() throws {
        print(kind.text)
    }
}

extension ConfigSchema: ExpressibleByArgument {}
