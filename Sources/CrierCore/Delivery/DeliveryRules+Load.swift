import Foundation

extension DeliveryRules {
    /// The rules of `repository` at `now`: the ledger's suppression list plus `opt_out_query`
    /// run over `rows` as of now (when the query cannot run, or there are no rows to run it on,
    /// every item waits), each schedule's `expires_after` and quiet hours, and the room
    /// `max_per_day` has left today. Throws when the ledger cannot say (nothing may go out).
    /// Manual messages (`crier send`) keep no quiet hours, as when they are sent at once.
    package init(repository: ConfigRepository, rows: (any RowSource)?, ledger: any LedgerReader, at now: Date) throws {
        let config = repository.config
        var optedOut: Set<String>? = try ledger.optOutKeys()
        var problems: [Diagnostic] = []
        if let query = config.optOutQuery {
            if let rows {
                do {
                    optedOut?.formUnion(try query.addresses(rows: rows, at: now, region: config.sms.defaultRegion).keys)
                } catch {
                    optedOut = nil
                    problems.append(query.diagnostic(for: error))
                }
            } else {
                optedOut = nil
                problems.append(.error("\"opt_out_query\": there is no snapshot to read it from at delivery", at: query.location,
                                       hint: "Messages wait until a run with the snapshot (`crier run`) can read it"))
            }
        }
        var terms: [String: DeliveryTerms] = [Schedule.manualID: DeliveryTerms(timeZone: config.timeZone)]
        for schedule in repository.schedules {
            terms[schedule.id] = DeliveryTerms(expiresAfter: TimeInterval(schedule.expiresAfterSeconds),
                                               quietHours: ConsentRules.quietHours(of: schedule, config: config), timeZone: schedule.timeZone)
        }
        var cap: DailyCap?
        if let limit = config.email.smtp?.maxPerDay, !config.smtpChannels.isEmpty {
            let used = try ledger.sentCount(channels: config.smtpChannels, since: WallClock.startOfDay(containing: now, in: config.timeZone))
            cap = DailyCap(limit: limit, alreadySent: used, channels: config.smtpChannels)
        }
        let fallback = DeliveryTerms(quietHours: config.quietHours.flatMap { $0.isNone ? nil : $0 }, timeZone: config.timeZone)
        self.init(optedOut: optedOut, terms: terms, fallback: fallback, dailyCap: cap)
        self.problems = problems
    }
}
