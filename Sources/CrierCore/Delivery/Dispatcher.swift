import Foundation
import Logging

/// Delivers what the ledger holds as pending, one claimed item at a time, and settles each
/// item's state. Items left `sending` by a dead run are reconciled with the transport first.
package struct Dispatcher {
    /// The ledger.
    package var ledger: any Ledger
    /// Transport per channel.
    package var transports: [Channel: any Transport]
    /// Builds messages from items.
    package var builder: MessageBuilder
    /// The command's clock.
    package var clock: any Clock
    /// Progress and errors (never message bodies).
    package var logger: Logger
    /// Retry policy template.
    package var policy = DeliveryAttempts()
    /// Sleeps between retries (injected so tests do not wait).
    package var sleep: @Sendable (TimeInterval) -> Void = { seconds in Thread.sleep(forTimeInterval: seconds) }
    /// A pause after each delivery (a throttle; also lets tests stop a run midway).
    package var pace: TimeInterval = 0

    /// A dispatcher.
    package init(ledger: any Ledger, transports: [Channel: any Transport], builder: MessageBuilder, clock: any Clock, logger: Logger) {
        self.ledger = ledger
        self.transports = transports
        self.builder = builder
        self.clock = clock
        self.logger = logger
    }

    /// Reconciles orphans, then delivers every pending item.
    package func run(runID: Int64) throws -> DeliverySummary {
        var summary = DeliverySummary()
        for orphan in try ledger.orphanedSending() {
            let known = transports[orphan.item.channel]?.reconcile(itemID: orphan.item.id, channel: orphan.item.channel)
            switch known {
            case true?:
                try ledger.settle(id: orphan.item.id, state: .sent, error: nil, providerID: nil, at: clock.now)
                summary.reconciled += 1
            case false?:
                try ledger.settle(id: orphan.item.id, state: .pending, error: "interrupted before delivery; retried", providerID: nil, at: clock.now)
            case nil:
                let message = "a run died while delivering this item; it may or may not have gone out. Not re-sent"
                try ledger.settle(id: orphan.item.id, state: .uncertain, error: message, providerID: nil, at: clock.now)
                summary.uncertain += 1
                summary.errors.append((orphan.item.id, message))
                logger.warning("uncertain delivery", metadata: ["item": "\(orphan.item.id)", "schedule": "\(orphan.item.schedule)"])
            }
        }
        for entry in try ledger.pending() {
            guard try ledger.claim(id: entry.item.id, runID: runID, at: clock.now) else { continue }
            deliver(entry.item, into: &summary)
            if pace > 0 { sleep(pace) }
        }
        return summary
    }

    private func deliver(_ item: PlanItem, into summary: inout DeliverySummary) {
        let settle = { (state: ItemState, error: String?, providerID: String?) in
            do {
                try ledger.settle(id: item.id, state: state, error: error, providerID: providerID, at: clock.now)
            } catch {
                logger.error("cannot record delivery state", metadata: ["item": "\(item.id)", "error": "\(error)"])
            }
        }
        guard let transport = transports[item.channel] else {
            settle(.failed, "no transport for \(item.channel.rawValue)", nil)
            summary.failed += 1
            return
        }
        let message: OutboundMessage
        do {
            message = try builder.message(for: item, date: clock.now)
        } catch {
            let text = (error as? MIMEError)?.message ?? "\(error)"
            settle(.failed, text, nil)
            summary.failed += 1
            summary.errors.append((item.id, text))
            return
        }
        var attempts = policy
        while true {
            switch attempts.handle(transport.deliver(message)) {
            case .recordSent(let providerID):
                settle(.sent, nil, providerID)
                summary.sent += 1
                return
            case .retry(let delay):
                sleep(delay)
            case .leaveForNextRun(let error):
                settle(.pending, error, nil)
                summary.leftForRetry += 1
                summary.errors.append((item.id, error))
                logger.warning("delivery deferred", metadata: ["item": "\(item.id)", "error": "\(error)"])
                return
            case .giveUp(let error):
                settle(.failed, error, nil)
                summary.failed += 1
                summary.errors.append((item.id, error))
                logger.error("delivery failed", metadata: ["item": "\(item.id)", "error": "\(error)"])
                return
            }
        }
    }
}
