import CrierCore
import Foundation
import Logging

/// Delivers what the ledger holds as pending, one claimed item at a time, and settles each
/// item's state. Items left `sending` by a dead run are reconciled with the transport first.
/// Each item passes the pipeline's `DeliveryGate` (SPEC §5, `max_per_day` included) just
/// before it is claimed.
package struct Dispatcher: Delivery {
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
    /// More transport sets, one per extra parallel worker (`email.smtp.connections` - 1):
    /// each worker owns its transports, so each SMTP connection stays on one thread.
    package var extraWorkers: [[Channel: any Transport]] = []
    /// `email.smtp.rate`, shared by the workers.
    package var throttle: Throttle?
    /// After this many items in a row were left for the next run (server down, network
    /// trouble), the run stops delivering: the rest waits for the next run without each item
    /// spending its retries on a dead server.
    package var giveUpAfterDeferrals = 5
    /// Told of each settled item (a progress line), when set.
    package var progress: (any DeliveryProgress)?

    /// A dispatcher.
    package init(transports: [Channel: any Transport], builder: MessageBuilder, clock: any Clock, logger: Logger) {
        self.transports = transports
        self.builder = builder
        self.clock = clock
        self.logger = logger
    }

    /// Reconciles orphans, then delivers every pending item the gate lets through. Every log
    /// line of the run carries its id.
    package func deliver(ledger: any Ledger, runID: Int64, gate: any DeliveryGate) throws -> DeliverySummary {
        var run = self
        run.logger[metadataKey: "run"] = "\(runID)"
        return try run.deliverAsRun(ledger: ledger, runID: runID, gate: gate)
    }

    private func deliverAsRun(ledger: any Ledger, runID: Int64, gate: any DeliveryGate) throws -> DeliverySummary {
        var summary = DeliverySummary()
        for orphan in try ledger.orphanedSending() {
            let known = transports[orphan.item.channel]?.reconcile(itemID: orphan.item.id, channel: orphan.item.channel)
            let owner = orphan.claimedBy ?? runID
            switch known {
            case true?:
                try ledger.settle(Settlement(id: orphan.item.id, runID: owner, state: .sent), at: clock.now)
                summary.reconciled += 1
            case false?:
                try ledger.settle(Settlement(id: orphan.item.id, runID: owner, state: .pending, error: "interrupted before delivery; retried"),
                                  at: clock.now)
            case nil where !orphan.handedOver:
                try ledger.settle(Settlement(id: orphan.item.id, runID: owner, state: .pending,
                                             error: "interrupted before the message was handed over; retried"), at: clock.now)
            case nil:
                let message = "a run died while delivering this item; it may or may not have gone out. Not re-sent"
                try ledger.settle(Settlement(id: orphan.item.id, runID: owner, state: .uncertain, error: message), at: clock.now)
                summary.uncertain += 1
                summary.errors.append((orphan.item.id, message))
                logger.warning("uncertain delivery", metadata: ["item": "\(orphan.item.id)", "schedule": "\(orphan.item.schedule)"])
            }
        }
        let queue = WorkQueue(ledger: ledger, ids: try ledger.pendingIDs(), giveUpAfter: giveUpAfterDeferrals)
        progress?.started(total: queue.count)
        defer { progress?.finished() }
        let shared = Shared(ledger: ledger, runID: runID, gate: gate)
        let sets = [transports] + extraWorkers
        try queue.prefetch()
        if sets.count == 1 {
            work(queue, transports: transports, shared, into: &summary)
            noteUntried(queue, into: &summary)
            if let failure = queue.failure { throw failure }
            return summary
        }
        let results = WorkerResults(count: sets.count)
        let finished = DispatchGroup()
        for (index, set) in sets.enumerated() {
            finished.enter()
            let box = UncheckedBox((self, set, shared))
            let thread = Thread {
                var part = DeliverySummary()
                box.value.0.work(queue, transports: box.value.1, box.value.2, into: &part)
                results.store(part, at: index)
                finished.leave()
            }
            thread.name = "crier-delivery-\(index + 1)"
            thread.start()
        }
        finished.wait()
        for part in results.all { summary.merge(part) }
        summary.errors.sort { $0.id < $1.id }
        noteUntried(queue, into: &summary)
        if let failure = queue.failure { throw failure }
        return summary
    }

    /// Counts the items a tripped run did not try as left for the next run.
    private func noteUntried(_ queue: WorkQueue, into summary: inout DeliverySummary) {
        let untried = queue.untried
        guard untried > 0 else { return }
        summary.leftForRetry += untried
        let message = "\(untried) more item(s) not tried: \(giveUpAfterDeferrals) deliveries in a row failed for now; all wait for the next run"
        logger.warning("delivery stopped", metadata: ["reason": "\(message)"])
        summary.errors.append(("-", message))
    }

    /// What every worker of one delivery shares.
    private struct Shared {
        let ledger: any Ledger
        let runID: Int64
        let gate: any DeliveryGate
    }

    /// One worker: takes pending items off the shared queue until it is empty. Each item
    /// passes the gate first. An item's outcome is recorded in the same ledger transaction that
    /// claims the next item (half the transactions); with a pause between items (pace, rate)
    /// it is recorded at once instead, so an item never waits in `sending` after its delivery.
    /// Where the transport cannot tell afterwards whether a message went out (SMTP, HTTP), the
    /// item is claimed when its message is handed over, in the record that marks the hand-over
    /// (`Ledger.settle(_:thenHandOver:)`): one durable record a delivered message.
    private func work(_ queue: WorkQueue, transports: [Channel: any Transport], _ shared: Shared, into summary: inout DeliverySummary) {
        let (ledger, runID, gate) = (shared.ledger, shared.runID, shared.gate)
        var unsettled: Settlement?
        var stopped: [(id: String, error: String)] = []
        let settleAtOnce = pace > 0 || throttle != nil
        while let entry = queue.next() {
            let item = entry.item
            guard admit(item, by: shared, into: &summary) else { continue }
            let transport = transports[item.channel]
            if let name = transport?.name, let fault = queue.fault(of: name) {
                // The transport stopped: the item waits for the next run, with the fault as its
                // error, noted with a page of others in one record.
                if let settlement = unsettled { record(settlement, in: ledger) }
                unsettled = nil
                gate.release(item)
                stopped.append((item.id, fault.message))
                if stopped.count == WorkQueue.pageSize { leave(&stopped, in: ledger, runID: runID) }
                summary.leftForRetry += 1
                continue
            }
            throttle?.wait(for: item.channel)
            let claim = ItemClaim(unsettled: unsettled)
            unsettled = nil
            if transport?.reconcileIsCertain ?? true {
                do {
                    claim.state = try ledger.settle(claim.unsettled, thenClaim: item.id, runID: runID, at: clock.now) ? .claimed : .taken
                    claim.unsettled = nil
                } catch {
                    if let settlement = claim.unsettled { record(settlement, in: ledger) }
                    gate.release(item)
                    logger.error("cannot claim item", metadata: ["item": "\(item.id)", "error": "\(error)"])
                    summary.leftForRetry += 1
                    summary.errors.append((item.id, "cannot claim: \(error)"))
                    continue
                }
            }
            guard claim.state != .taken,
                  let settlement = attempt(item, runID: runID, transport: transport, claim: claim, ledger: ledger, queue: queue, into: &summary) else {
                // Another run holds it.
                if let settlement = claim.unsettled { record(settlement, in: ledger) }
                gate.release(item)
                continue
            }
            if claim.state != .claimed {
                // Never handed over (refused, failed or left before its last byte): claimed now
                // to record how the attempt ended.
                _ = try? ledger.settle(claim.unsettled, thenClaim: item.id, runID: runID, at: clock.now)
                claim.unsettled = nil
            }
            if settlement.state != .sent { gate.release(item) }
            queue.note(deferred: settlement.state == .pending)
            progress?.advanced()
            if settleAtOnce || claim.state != .claimed { record(settlement, in: ledger) } else { unsettled = settlement }
            if pace > 0 { sleep(pace) }
        }
        if let unsettled { record(unsettled, in: ledger) }
        leave(&stopped, in: ledger, runID: runID)
    }

    /// Notes on `items` (pending, never tried) the fault that stopped their transport, and empties it.
    private func leave(_ items: inout [(id: String, error: String)], in ledger: any Ledger, runID: Int64) {
        for (error, group) in Dictionary(grouping: items, by: \.error) {
            do {
                try ledger.leavePending(ids: group.map(\.id), error: error, runID: runID, at: clock.now)
            } catch {
                logger.error("cannot record delivery state", metadata: ["items": "\(group.count)", "error": "\(error)"])
            }
        }
        items.removeAll()
    }

    /// Asks the gate about `item`: true to deliver it; otherwise withdraws it or leaves it
    /// pending, as the gate says.
    private func admit(_ item: PlanItem, by shared: Shared, into summary: inout DeliverySummary) -> Bool {
        switch shared.gate.verdict(for: item, at: clock.now) {
        case .deliver:
            return true
        case .withdraw(let reason):
            do {
                if try shared.ledger.withdraw(id: item.id, reason: reason, runID: shared.runID, at: clock.now) { summary.withdrawn += 1 }
            } catch {
                logger.error("cannot withdraw item", metadata: ["item": "\(item.id)", "error": "\(error)"])
                summary.leftForRetry += 1
                summary.errors.append((item.id, "cannot withdraw (\(reason)): \(error)"))
            }
            return false
        case .hold(let why):
            switch why {
            case .dailyCap: summary.heldByCap += 1
            case .quietHours: summary.heldByQuietHours += 1
            case .optOutsUnread: summary.held += 1
            }
            logger.info("item held", metadata: ["item": "\(item.id)", "reason": "\(why.rawValue)"])
            return false
        }
    }

    /// Records one outcome on its own.
    private func record(_ settlement: Settlement, in ledger: any Ledger) {
        do {
            try ledger.settle(settlement, at: clock.now)
        } catch {
            logger.error("cannot record delivery state", metadata: ["item": "\(settlement.id)", "error": "\(error)"])
        }
    }

    /// Delivers one item (retrying transient trouble per the policy) and counts the outcome;
    /// the caller records it. nil when the item turned out to be another run's at its hand-over.
    private func attempt(_ item: PlanItem, runID: Int64, transport: (any Transport)?, claim: ItemClaim, ledger: any Ledger, queue: WorkQueue,
                         into summary: inout DeliverySummary) -> Settlement? {
        guard let transport else {
            summary.failed += 1
            return Settlement(id: item.id, runID: runID, state: .failed, error: "no transport for \(item.channel.rawValue)")
        }
        let message: OutboundMessage
        do {
            message = try builder.message(for: item, date: clock.now)
        } catch {
            let text = (error as? MIMEError)?.message ?? "\(error)"
            summary.failed += 1
            summary.errors.append((item.id, text))
            return Settlement(id: item.id, runID: runID, state: .failed, error: text)
        }
        var attempts = policy
        let handOver = transport.reconcileIsCertain ? { true } : { [ledger, clock, logger] () -> Bool in
            do {
                if claim.state == .claimed {
                    // A retry of a message handed over before.
                    try ledger.markHandedOver(id: item.id, runID: runID, at: clock.now)
                } else if claim.state == .unclaimed {
                    claim.state = .unknown
                    claim.state = try ledger.settle(claim.unsettled, thenHandOver: item.id, runID: runID, at: clock.now) ? .claimed : .taken
                    claim.unsettled = nil
                }
                return claim.state == .claimed
            } catch {
                logger.error("cannot record the hand-over", metadata: ["item": "\(item.id)", "error": "\(error)"])
                claim.recordFailure = "\(error)"
                return false
            }
        }
        while true {
            var outcome = transport.deliver(message, handOver: handOver)
            if claim.state == .taken { return nil }
            if outcome == .unmarked, let failure = claim.recordFailure {
                // The item's error names the ledger's trouble (its file, the system's reason).
                outcome = .transient("not sent: the ledger could not record the hand-over: \(failure)")
            }
            switch attempts.handle(outcome) {
            case .recordSent(let providerID):
                summary.sent += 1
                logger.info("delivered", metadata: ["item": "\(item.id)", "schedule": "\(item.schedule)", "channel": "\(item.channel.rawValue)",
                                                    "transport": "\(transport.name)"])
                return Settlement(id: item.id, runID: runID, state: .sent, providerID: providerID)
            case .retry(let delay):
                sleep(delay)
            case .leaveForNextRun(let error):
                summary.leftForRetry += 1
                summary.errors.append((item.id, error))
                logger.warning("delivery deferred", metadata: ["item": "\(item.id)", "schedule": "\(item.schedule)", "error": "\(error)"])
                return Settlement(id: item.id, runID: runID, state: .pending, error: error)
            case .stopTransport(let fault):
                summary.leftForRetry += 1
                summary.errors.append((item.id, fault.message))
                summary.faults[transport.name] = summary.faults[transport.name] ?? fault
                queue.stop(transport.name, fault)
                logger.error("transport stopped for this run", metadata: ["transport": "\(transport.name)", "error": "\(fault.message)"])
                return Settlement(id: item.id, runID: runID, state: .pending, error: fault.message)
            case .giveUp(let error):
                summary.failed += 1
                summary.errors.append((item.id, error))
                logger.error("delivery failed", metadata: ["item": "\(item.id)", "schedule": "\(item.schedule)", "error": "\(error)"])
                return Settlement(id: item.id, runID: runID, state: .failed, error: error)
            }
        }
    }
}

/// Whether a worker's item is claimed: before its delivery, or when its message is handed over,
/// in the same record as the previous item's outcome (`unsettled`).
private final class ItemClaim {
    enum State {
        /// Not claimed (yet).
        case unclaimed
        /// This run's.
        case claimed
        /// Another run's: left alone.
        case taken
        /// The record threw: claimed or not, the attempt's outcome is recorded as if not.
        case unknown
    }

    var state = State.unclaimed
    /// The previous item's outcome, until a record carries it.
    var unsettled: Settlement?
    /// Why the hand-over's record failed, when it did.
    var recordFailure: String?

    init(unsettled: Settlement?) { self.unsettled = unsettled }
}

/// The pending items: their ids read when delivery starts, the items themselves a page at a time,
/// handed out one at a time to the workers, under the core's `DeliveryQueuePolicy` (which stops
/// the run after too many deferrals in a row). A page that cannot be read stops the queue; the
/// delivery then throws its error.
private final class WorkQueue: @unchecked Sendable {
    /// Items read at once: a run holds one page of messages, not all of them.
    static let pageSize = 256
    private let ledger: any Ledger
    private let ids: [String]
    /// Ids read into pages so far.
    private var read = 0
    private var page: [LedgerItem] = []
    private var pageIndex = 0
    private var policy: DeliveryQueuePolicy
    private var stopped: [String: TransportFault] = [:]
    private let lock = NSLock()
    /// Why a page could not be read, if one could not.
    private(set) var failure: (any Error)?

    /// A queue over the items of `ledger` with `ids` (pending when delivery started).
    init(ledger: any Ledger, ids: [String], giveUpAfter: Int) {
        self.ledger = ledger
        self.ids = ids
        policy = DeliveryQueuePolicy(giveUpAfter: giveUpAfter)
    }

    /// The items pending when delivery started.
    var count: Int { ids.count }

    /// Reads the first page now (a ledger that cannot be read fails before any worker starts).
    func prefetch() throws {
        lock.lock()
        defer { lock.unlock() }
        try readPage()
    }

    func next() -> LedgerItem? {
        lock.lock()
        defer { lock.unlock() }
        guard !policy.stopped, failure == nil else { return nil }
        do {
            // A page whose items all went (claimed elsewhere, withdrawn) is followed by the next.
            while pageIndex == page.count, read < ids.count { try readPage() }
        } catch {
            failure = error
            return nil
        }
        guard pageIndex < page.count else { return nil }
        pageIndex += 1
        return page[pageIndex - 1]
    }

    /// The next page's items still pending (under the lock).
    private func readPage() throws {
        guard pageIndex == page.count, read < ids.count else { return }
        let slice = Array(ids[read..<min(read + Self.pageSize, ids.count)])
        page = try ledger.pending(ids: slice)
        pageIndex = 0
        read += slice.count
    }

    /// Stops handing out the items of transport `name` for this run (the first fault is kept).
    func stop(_ name: String, _ fault: TransportFault) {
        lock.lock()
        if stopped[name] == nil { stopped[name] = fault }
        lock.unlock()
    }

    /// The fault that stopped transport `name`, if it stopped.
    func fault(of name: String) -> TransportFault? {
        lock.lock()
        defer { lock.unlock() }
        return stopped[name]
    }

    /// Records whether an item was left for the next run (true) or settled (false).
    func note(deferred: Bool) {
        lock.lock()
        _ = policy.note(deferred: deferred)
        lock.unlock()
    }

    /// Items never handed out because the queue stopped.
    var untried: Int {
        lock.lock()
        defer { lock.unlock() }
        // The rest of this page and the ids not read yet (some may have gone meanwhile, as before).
        return policy.stopped ? page.count - pageIndex + ids.count - read : 0
    }
}

/// Each worker's summary, collected when all are done.
private final class WorkerResults: @unchecked Sendable {
    private var parts: [DeliverySummary]
    private let lock = NSLock()

    init(count: Int) { parts = Array(repeating: DeliverySummary(), count: count) }

    func store(_ part: DeliverySummary, at index: Int) {
        lock.lock()
        parts[index] = part
        lock.unlock()
    }

    var all: [DeliverySummary] {
        lock.lock()
        defer { lock.unlock() }
        return parts
    }
}

/// Hands a value the compiler cannot prove Sendable to a worker thread; the ledger and each
/// worker's own transports are safe to use from that thread.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
