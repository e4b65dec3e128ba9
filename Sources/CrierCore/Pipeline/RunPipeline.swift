import Foundation

/// Delivers what a ledger holds as pending: the delivery runtime (CrierDelivery's Dispatcher,
/// with its worker threads and transports).
package protocol Delivery {
    /// Settles the items a dead run left in `sending`, then delivers every pending item that
    /// `gate` lets through, claiming each for `runID` first.
    func deliver(ledger: any Ledger, runID: Int64, gate: any DeliveryGate) throws -> DeliverySummary
}

/// One run of crier over the ports: plan → record → deliver, as `run`, `execute` and `send`
/// do it. Commands build the adapters, call one method and print the report.
package struct RunPipeline {
    /// The ledger, opened for a run (it holds the run lock).
    package var ledger: any Ledger
    /// The delivery runtime.
    package var delivery: any Delivery
    /// The clock for what is recorded.
    package var clock: any Clock

    /// A pipeline over a locked ledger and a delivery runtime.
    package init(ledger: any Ledger, delivery: any Delivery, clock: any Clock) {
        self.ledger = ledger
        self.delivery = delivery
        self.clock = clock
    }

    /// Plans with `planner` over `rows` and the ledger, then records and delivers the plan.
    package func run(command: String, planner: Planner, rows: any PreparingRowSource) throws -> RunReport {
        let runID = try ledger.beginRun(command: command, at: planner.at, clock: clock.now)
        var diagnostics = DiagnosticCollector()
        let plan = planner.plan(rows: rows, ledger: ledger, into: &diagnostics)
        return try recordAndDeliver(plan, diagnostics: diagnostics.diagnostics, runID: runID, repository: planner.repository, rows: rows)
    }

    /// Records and delivers a plan made earlier (`execute`, `send`). Slots that ran since it was
    /// made are lost to the run that recorded them: their items are not recorded twice. `rows`
    /// is the snapshot `opt_out_query` is read from at delivery (nil: every item waits when
    /// crier.yaml has one).
    package func execute(_ plan: Plan, command: String, repository: ConfigRepository, rows: (any RowSource)?) throws -> RunReport {
        let runID = try ledger.beginRun(command: command, at: plan.at, clock: clock.now)
        return try recordAndDeliver(plan, diagnostics: [], runID: runID, repository: repository, rows: rows)
    }

    /// Records `plan`, then delivers every pending item through the delivery gate of
    /// `repository` built now (SPEC §5).
    private func recordAndDeliver(_ plan: Plan, diagnostics: [Diagnostic], runID: Int64, repository: ConfigRepository,
                                  rows: (any RowSource)?) throws -> RunReport {
        let recorded = try ledger.record(plan, runID: runID, at: clock.now)
        let gate = try DeliveryRules(repository: repository, rows: rows, ledger: ledger, at: clock.now)
        let summary = try delivery.deliver(ledger: ledger, runID: runID, gate: gate)
        // What kept the gate from reading opt-outs, unless planning said it already.
        let report = RunReport(plan: plan, diagnostics: diagnostics + gate.problems.filter { !diagnostics.contains($0) },
                               recorded: recorded, summary: summary)
        try ledger.finishRun(runID, outcome: report.outcome, at: clock.now)
        return report
    }
}

/// What one run did: its plan, what it recorded and delivered.
package struct RunReport: Sendable {
    /// The plan.
    package var plan: Plan
    /// Problems planning found (already worded for people).
    package var diagnostics: [Diagnostic]
    /// What recording added.
    package var recorded: RecordResult
    /// What delivery did.
    package var summary: DeliverySummary

    /// A report.
    package init(plan: Plan, diagnostics: [Diagnostic], recorded: RecordResult, summary: DeliverySummary) {
        self.plan = plan
        self.diagnostics = diagnostics
        self.recorded = recorded
        self.summary = summary
    }

    /// Whether planning found errors.
    package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The one-line outcome recorded with the run.
    package var outcome: String {
        "planned \(recorded.pending) new, sent \(summary.sent), failed \(summary.failed), left for retry \(summary.leftForRetry), uncertain \(summary.uncertain), daily-cap \(summary.heldByCap)"
    }

    /// The end-of-run summary printed by `run` and `execute`.
    package var text: String {
        var out = "crier run at \(Timestamp.utc(plan.at))\n"
        for decision in plan.schedules {
            var line = "  \(decision.schedule): \(decision.status.rawValue)"
            if let slot = decision.slot { line += " slot \(slot)" }
            if let occurrence = decision.occurrence { line += " occurrence \(occurrence)" }
            if let rows = decision.rows { line += ", \(rows) row(s)" }
            if let keys = decision.baselineKeys { line += "; recorded a baseline of \(keys) key(s)" }
            out += line + "\n"
        }
        for lost in recorded.lost {
            out += "  \(lost.schedule): slot \(lost.slot) was recorded by another run meanwhile; this run recorded none of its items\n"
        }
        var reasons: [String: Int] = [:]
        // Held items (over the daily cap) are pending: they are counted as waiting, not as skipped.
        for item in plan.items where item.action == .skip { reasons[item.reason?.description ?? "", default: 0] += 1 }
        out += "  sent \(summary.sent), failed \(summary.failed), left for retry \(summary.leftForRetry), uncertain \(summary.uncertain)"
        if summary.reconciled > 0 { out += ", confirmed after a crash \(summary.reconciled)" }
        if summary.heldByCap > 0 { out += ", waiting for room under max_per_day \(summary.heldByCap)" }
        if summary.heldByQuietHours > 0 { out += ", waiting for the end of quiet hours \(summary.heldByQuietHours)" }
        if summary.held > 0 { out += ", held until opt_out_query can be read \(summary.held)" }
        if summary.withdrawn > 0 { out += ", withdrawn before delivery \(summary.withdrawn)" }
        out += "\n"
        if !reasons.isEmpty {
            out += "  skipped: " + reasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "\n"
        }
        for error in summary.errors.prefix(20) { out += "  error \(error.id): \(error.message)\n" }
        if summary.errors.count > 20 { out += "  ... \(summary.errors.count - 20) more: see `crier history`\n" }
        return out
    }
}
