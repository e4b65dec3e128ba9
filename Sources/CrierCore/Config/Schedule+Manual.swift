import Foundation

extension Schedule {
    /// The id manual messages (`crier send`) are recorded under.
    package static let manualID = "manual"

    /// The schedule `crier send` renders and records under: `template` on `channel` in `zone`,
    /// with no cron slot or query of its own (`{{slot.*}}` is the send time).
    package static func manual(template: String, channel: Channel, timeZone zone: TimeZone) -> Schedule {
        Schedule(id: manualID, file: "(crier send)", description: "manual message",
                 cron: CronExpression.everyMinute, timeZone: zone, enabled: true, channel: channel, template: template,
                 trigger: .change(ChangeTrigger(on: [.enter], watch: nil, baselineSends: true)),
                 query: "", queryLocation: FileLocation(file: "(crier send)"))
    }
}

extension CronExpression {
    /// `* * * * *`.
    static let everyMinute: CronExpression = {
        guard let every = try? CronExpression(parsing: "* * * * *") else { preconditionFailure("* * * * * parses") }
        return every
    }()
}
