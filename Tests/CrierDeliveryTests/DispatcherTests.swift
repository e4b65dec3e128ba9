@testable import CrierCore
import Foundation
import Logging
import Testing
@testable import CrierDelivery
@testable import CrierSQLite
import CrierTestSupport

/// The dispatcher over a real ledger, with parallel workers, the daily cap and the rate. The
/// transport here only records what it is given: real SMTP is exercised in CrierDeliveryTests
/// and in the end-to-end tests.
@Suite("Dispatcher: workers, daily cap")
struct DispatcherTests {
    let directory: String
    let at = Date(timeIntervalSince1970: 1_795_426_200)

    init() throws {
        directory = NSTemporaryDirectory() + "crier-dispatch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func ledger(items count: Int, in name: String = "ledger") throws -> (LedgerStore, Int64) {
        let ledger = try LedgerStore(path: directory + "/\(name).sqlite")
        let run = try ledger.beginRun(command: "run", at: at, clock: at)
        _ = try ledger.record(plan(items: count), runID: run, at: at)
        return (ledger, run)
    }

    /// A plan of `count` emails, keys J0000, J0001...
    func plan(items count: Int) -> Plan {
        let items = (0..<count).map { n in
            let key = String(format: "J%04d", n)
            return PlanItem(id: PlanItem.id(schedule: "s", key: key, occurrence: "o", channel: .email, recipient: "c\(n)@example.net"),
                            schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: key, occurrence: "o", channel: .email, recipient: "c\(n)@example.net",
                            action: .send, content: .email(EmailContent(body: "Hello", subject: "Visit")))
        }
        return Plan(at: at, configSHA256: "c", snapshotSHA256: "s", schedules: [], items: items)
    }

    func dispatcher(_ transport: any Transport) throws -> Dispatcher {
        let email = EmailSettings(from: try Mailbox.parse("Acme <noreply@acme.example>"), replyTo: [], transport: .smtp, smtp: nil)
        return Dispatcher(transports: [.email: transport],
                          builder: MessageBuilder(email: email, timeZone: TimeZone(identifier: "Pacific/Auckland")!),
                          clock: FixedClock(at), logger: Logger(label: "test"))
    }

    @Test func eightWorkersDeliverEveryItemExactlyOnce() throws {
        // 600 items: the queue reads the ledger 256 at a time, so the workers cross two page ends.
        let (ledger, run) = try ledger(items: 600)
        let order = try ledger.pending().map(\.item.id)
        let log = DeliveryLog()
        var dispatcher = try dispatcher(RecordingTransport(worker: 0, log: log))
        dispatcher.extraWorkers = (1..<8).map { [.email: RecordingTransport(worker: $0, log: log)] }
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(summary.sent == 600)
        #expect(log.itemIDs.count == 600)
        #expect(Set(log.itemIDs).count == 600, "no item twice")
        #expect(Set(log.workers).count > 1, "the work was shared: \(Set(log.workers))")
        #expect(try ledger.stateCounts() == [.sent: 600])
        // One worker takes them in the ledger's order, page after page.
        let (single, singleRun) = try self.ledger(items: 600, in: "single")
        let singleLog = DeliveryLog()
        #expect(try self.dispatcher(RecordingTransport(worker: 0, log: singleLog)).deliver(ledger: single, runID: singleRun,
                                                                                        gate: DeliveryRules(optedOut: [])).sent == 600)
        #expect(singleLog.itemIDs == order)
    }

    @Test func aPageThatCannotBeReadStopsTheDeliveryNamingTheItemAndLosesNothing() throws {
        let (ledger, run) = try ledger(items: 300)
        let order = try ledger.pendingIDs()
        // The 281st item's stored message is damaged: the second page cannot be read.
        try ledger.queue.write { db in
            try db.execute(sql: "UPDATE item_payloads SET payload = x'0102' WHERE id = ?", arguments: [order[280]])
        }
        // Delivered by a later run: a store that did not record the items reads their payloads back.
        let later = try LedgerStore(path: directory + "/ledger.sqlite")
        let log = DeliveryLog()
        #expect {
            try dispatcher(RecordingTransport(worker: 0, log: log)).deliver(ledger: later, runID: run, gate: DeliveryRules(optedOut: []))
        } throws: { error in
            "\(error)".contains("item \(order[280])") && "\(error)".contains("item_payloads")
        }
        #expect(log.itemIDs == Array(order[..<256]), "the first page went out, in order")
        #expect(try ledger.stateCounts() == [.sent: 256, .pending: 44], "the rest waits, none lost or left sending")
    }

    @Test func overTheDailyCapItemsStayPendingForTheNextRun() throws {
        let (ledger, run) = try ledger(items: 30)
        let log = DeliveryLog()
        var dispatcher = try dispatcher(RecordingTransport(worker: 0, log: log, refuse: ["J0003"]))
        dispatcher.extraWorkers = (1..<4).map { [.email: RecordingTransport(worker: $0, log: log, refuse: ["J0003"])] }
        // The gate of each delivery holds the day's cap with what the ledger says the day used;
        // the items expire two days after their slot, so they are still good the next day.
        func capped(_ limit: Int, at now: Date) throws -> DeliveryRules {
            let day = WallClock.startOfDay(containing: now, in: TimeZone(identifier: "Pacific/Auckland")!)
            return DeliveryRules(optedOut: [], fallback: DeliveryTerms(expiresAfter: 2 * 86400), dailyCap: DailyCap(limit: limit, alreadySent: try ledger.sentCount(channels: [.email], since: day),
                                                                  channels: [.email]))
        }
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: try capped(10, at: at))
        // 10 places: J0003 is refused for good and gives its place back, so 10 are sent.
        #expect(summary.sent == 10)
        #expect(summary.failed == 1)
        #expect(summary.heldByCap == 19)
        #expect(try ledger.stateCounts() == [.sent: 10, .failed: 1, .pending: 19])
        #expect(try ledger.sentCount(channels: [.email], since: at.addingTimeInterval(-60)) == 10)
        #expect(try ledger.waitingCount(channels: [.email]) == 19)
        #expect(try ledger.sentCount(channels: [.sms], since: at.addingTimeInterval(-60)) == 0)

        // The same day has no room left: what the day used is read from the ledger.
        let later = try dispatcher.deliver(ledger: ledger, runID: run, gate: try capped(10, at: at))
        #expect(later.sent == 0)
        #expect(later.heldByCap == 19)
        // The next day's run has room again and sends what waited, oldest first.
        dispatcher.clock = FixedClock(at.addingTimeInterval(86400))
        let next = try dispatcher.deliver(ledger: ledger, runID: run, gate: try capped(12, at: at.addingTimeInterval(86400)))
        #expect(next.sent == 12)
        #expect(next.heldByCap == 7)
        #expect(Set(log.itemIDs).count == log.itemIDs.count, "nothing sent twice")
    }

    @Test func aDeadServerStopsTheRunAfterFiveDeferralsInARow() throws {
        let (ledger, run) = try ledger(items: 30)
        let log = DeliveryLog()
        var dispatcher = try dispatcher(RecordingTransport(worker: 0, log: log, down: true))
        dispatcher.policy = DeliveryAttempts(maxAttempts: 3, baseDelay: 0.001)
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(summary.leftForRetry == 30)
        #expect(summary.sent == 0)
        #expect(log.attempts == 15, "5 items × 3 attempts, not 30 × 3")
        #expect(summary.errors.last?.message == "25 more item(s) not tried: 5 deliveries in a row failed for now; all wait for the next run")
        #expect(try ledger.stateCounts() == [.pending: 30])
    }

    @Test func aDeliveryWideFaultStopsTheTransportAtOnceAndLeavesEveryItemPendingWithIt() throws {
        let (ledger, run) = try ledger(items: 12)
        let log = DeliveryLog()
        let fault = TransportFault(.configuration, "email.smtp smtp://127.0.0.1:2525: the server refused the username and password")
        var dispatcher = try dispatcher(RecordingTransport(worker: 0, log: log, fault: fault))
        dispatcher.extraWorkers = (1..<3).map { [.email: RecordingTransport(worker: $0, log: log, fault: fault)] }
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(log.attempts <= 3, "at most one attempt per worker, not retries: \(log.attempts)")
        #expect(summary.failed == 0)
        #expect(summary.leftForRetry == 12)
        #expect(summary.faults == ["recording": fault])
        #expect(summary.hasConfigurationFault)
        #expect(try ledger.stateCounts() == [.pending: 12])
        #expect(try ledger.pending().allSatisfy { $0.lastError == fault.message })
    }

    @Test func anOrphanNotYetHandedOverGoesBackToPendingAndOneHandedOverIsUncertain() throws {
        let (ledger, run) = try ledger(items: 2)
        let ids = try ledger.pending().map(\.item.id)
        #expect(try ledger.claim(id: ids[0], runID: run, at: at))
        #expect(try ledger.claim(id: ids[1], runID: run, at: at))
        try ledger.markHandedOver(id: ids[1], runID: run, at: at)
        let orphans = try ledger.orphanedSending()
        #expect(orphans.map(\.handedOver) == [false, true])
        let log = DeliveryLog()
        let summary = try dispatcher(RecordingTransport(worker: 0, log: log)).deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(summary.uncertain == 1)
        #expect(summary.sent == 1)
        #expect(log.itemIDs == [ids[0]], "the one killed before its hand-over is sent again")
        #expect(try ledger.stateCounts() == [.sent: 1, .uncertain: 1])
    }

    @Test func onlyATransportThatCannotReconcileCostsAHandOverMark() throws {
        func handedOver(_ ledger: LedgerStore) throws -> Int {
            try ledger.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE handed_over_at IS NOT NULL") ?? 0 }
        }
        let (ledger, run) = try ledger(items: 3)
        let outbox = OutboxTransport(directory: directory + "/outbox")
        #expect(outbox.reconcileIsCertain && !RecordingTransport(worker: 0, log: DeliveryLog()).reconcileIsCertain)
        #expect(try dispatcher(outbox).deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: [])).sent == 3)
        #expect(try handedOver(ledger) == 0, "the outbox's files say what was delivered: no mark")
        for id in try ledger.history(HistoryFilter(), limit: 10).map(\.id) { #expect(outbox.reconcile(itemID: id, channel: .email) == true) }

        let more = PlanItem(id: "i9", schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: "J9", occurrence: "o", channel: .email,
                            recipient: "mere@example.net", action: .send, content: .email(EmailContent(body: "Hello", subject: "Visit")))
        _ = try ledger.record(Plan(at: at, configSHA256: "c", snapshotSHA256: "s", schedules: [], items: [more]), runID: run, at: at)
        #expect(try dispatcher(RecordingTransport(worker: 0, log: DeliveryLog())).deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: [])).sent == 1)
        #expect(try handedOver(ledger) == 1, "an SMTP-like transport marks the hand-over before the last byte")
    }

    @Test func anItemAnotherRunClaimsBeforeItsHandOverIsNotSentAndStaysThatRuns() throws {
        let (ledger, run) = try ledger(items: 3)
        let ids = try ledger.pending().map(\.item.id)
        let other = try ledger.beginRun(command: "run", at: at, clock: at)
        let log = DeliveryLog()
        let summary = try dispatcher(RecordingTransport(worker: 0, log: log))
            .deliver(ledger: ledger, runID: run, gate: ClaimingGate(ledger: ledger, id: ids[1], runID: other, at: at))
        #expect(log.itemIDs == [ids[0], ids[2]], "the message of the item taken meanwhile was not completed")
        #expect(summary.sent == 2 && summary.failed == 0 && summary.leftForRetry == 0)
        #expect(try ledger.itemStates(ids: ids) == [ids[0]: .sent, ids[1]: .sending, ids[2]: .sent])
        #expect(try ledger.queue.read { db in try Int64.fetchOne(db, sql: "SELECT claimed_by FROM items WHERE id = ?", arguments: [ids[1]]) } == other)
        let handedOver = try ledger.queue.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM items WHERE handed_over_at IS NOT NULL ORDER BY id")
        }
        #expect(handedOver == [ids[0], ids[2]].sorted(), "each item this run sent was claimed with its hand-over marked")
    }

    @Test func aHandOverTheLedgerCannotMakeDurableCompletesNoMessageAndTheItemsWaitWithTheError() throws {
        struct SyncFailed: Error, CustomStringConvertible { var description: String { "cannot sync ledger.sqlite-wal: I/O error" } }
        let storage = MemoryLedgerStorage()
        let ledger = try storage.openForRun()
        let run = try ledger.beginRun(command: "run", at: at, clock: at)
        _ = try ledger.record(plan(items: 2), runID: run, at: at)
        // The claim and the mark are committed, the sync after them fails.
        storage.handOverFailure = SyncFailed()
        let log = DeliveryLog()
        var dispatcher = try dispatcher(RecordingTransport(worker: 0, log: log))
        dispatcher.policy = DeliveryAttempts(maxAttempts: 2, baseDelay: 0.001)
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(log.itemIDs.isEmpty, "no message was completed")
        #expect(log.attempts == 4, "two attempts an item, the record not tried again")
        #expect(summary.sent == 0 && summary.leftForRetry == 2 && summary.uncertain == 0)
        let pending = try ledger.pending()
        #expect(pending.count == 2, "both wait for the next run, not uncertain nor lost")
        #expect(pending.allSatisfy { $0.lastError?.contains("the ledger could not record the hand-over: cannot sync ledger.sqlite-wal: I/O error") == true },
                "the error names the ledger's trouble: \(pending.map(\.lastError))")
    }

    @Test func fourOutboxWritersWriteEachFileOnceIntoOneFolder() throws {
        // `run` delivers into the outbox with four workers (each its own OutboxTransport, one folder).
        let (ledger, run) = try ledger(items: 300)
        let outbox = OutboxTransport(directory: directory + "/outbox")
        var dispatcher = try dispatcher(outbox)
        dispatcher.extraWorkers = (1..<4).map { _ in [.email: OutboxTransport(directory: directory + "/outbox")] }
        let summary = try dispatcher.deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: []))
        #expect(summary.sent == 300 && summary.failed == 0 && summary.leftForRetry == 0)
        #expect(try ledger.stateCounts() == [.sent: 300])
        #expect(try ledger.queue.read { db in try Int.fetchOne(db, sql: "SELECT max(attempts) FROM items") } == 1, "each item claimed once")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox/email")
        #expect(names.count == 300 && names.allSatisfy { $0.hasSuffix(".eml") && !$0.hasPrefix(".") }, "no temporary file left")
        for id in try ledger.history(HistoryFilter(), limit: 300).map(\.id) {
            let text = try String(contentsOfFile: outbox.path(id: id, channel: .email), encoding: .utf8)
            #expect(text.contains("Message-ID: <\(id)@acme.example>"), "\(id)'s file holds its own message")
        }
    }

    @Test func outboxRecordsAPowerCutTookFromTheLedgerDoNotDeliverTwice() throws {
        // The outbox's claims and outcomes are not synced before its files: a power cut may undo
        // them (items back to pending, or left sending) while the files stay. The next run finds
        // each file and records the item sent without writing it again.
        let (ledger, run) = try ledger(items: 3)
        let outbox = OutboxTransport(directory: directory + "/outbox")
        #expect(try dispatcher(outbox).deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: [])).sent == 3)
        let ids = try ledger.history(HistoryFilter(), limit: 10).map(\.id).sorted()
        let files = try ids.map { try Data(contentsOf: URL(fileURLWithPath: outbox.path(id: $0, channel: .email))) }
        try ledger.queue.write { db in
            try db.execute(sql: "UPDATE items SET state = 'pending', sent_at = NULL, claimed_by = NULL WHERE id IN (?, ?)", arguments: [ids[0], ids[1]])
            try db.execute(sql: "UPDATE items SET state = 'sending' WHERE id = ?", arguments: [ids[2]])
            try db.execute(sql: "UPDATE runs SET pid = 999999999 WHERE id = ?", arguments: [run])
        }
        let next = try ledger.beginRun(command: "run", at: at.addingTimeInterval(3_600), clock: at.addingTimeInterval(3_600))
        var later = try dispatcher(outbox)
        later.clock = FixedClock(at.addingTimeInterval(3_600))
        let summary = try later.deliver(ledger: ledger, runID: next, gate: DeliveryRules(optedOut: []))
        #expect(summary.reconciled == 1 && summary.sent == 2 && summary.uncertain == 0)
        #expect(try ledger.stateCounts() == [.sent: 3])
        #expect(try ids.map { try Data(contentsOf: URL(fileURLWithPath: outbox.path(id: $0, channel: .email))) } == files,
                "each file is the first run's, not written again an hour later")
    }

    @Test func aDailyCapPlanItemIsRecordedAsPendingAndDeliverable() throws {
        let ledger = try LedgerStore(path: directory + "/ledger.sqlite")
        let run = try ledger.beginRun(command: "run", at: at, clock: at)
        let item = PlanItem(id: "i1", schedule: "s", slot: Slot(text: "2026-11-23T04:00:00Z")!, key: "J1", occurrence: "o", channel: .email,
                            recipient: "mere@example.net", action: .hold, reason: .dailyCap, content: .email(EmailContent(body: "Hello", subject: "Visit")))
        let result = try ledger.record(Plan(at: at, configSHA256: "c", snapshotSHA256: "s", schedules: [], items: [item]), runID: run, at: at)
        #expect(result == RecordResult(pending: 1))
        let pending = try ledger.pending()
        #expect(pending.map(\.item.action) == [.hold], "the plan's hold, recorded as it is")
        #expect(try ledger.history(HistoryFilter(key: "J1"), limit: 1).first?.reason == nil, "a pending item has no skip reason")
        let log = DeliveryLog()
        #expect(try dispatcher(RecordingTransport(worker: 0, log: log)).deliver(ledger: ledger, runID: run, gate: DeliveryRules(optedOut: [])).sent == 1)
    }
}

/// Who delivered what, over all workers.
final class DeliveryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(item: String, worker: Int)] = []
    private var tries = 0

    func tried() {
        lock.lock()
        tries += 1
        lock.unlock()
    }

    var attempts: Int {
        lock.lock()
        defer { lock.unlock() }
        return tries
    }

    func add(_ item: String, worker: Int) {
        lock.lock()
        entries.append((item, worker))
        lock.unlock()
    }

    var itemIDs: [String] {
        lock.lock()
        defer { lock.unlock() }
        return entries.map(\.item)
    }

    var workers: [Int] {
        lock.lock()
        defer { lock.unlock() }
        return entries.map(\.worker)
    }
}

/// Accepts every message (after a short pause, like a network round trip) except the keys it
/// is told to refuse, or none when the server is `down`.
final class RecordingTransport: Transport, @unchecked Sendable {
    let worker: Int
    let log: DeliveryLog
    let refuse: Set<String>
    let down: Bool
    let fault: TransportFault?

    init(worker: Int, log: DeliveryLog, refuse: Set<String> = [], down: Bool = false, fault: TransportFault? = nil) {
        self.worker = worker
        self.log = log
        self.refuse = refuse
        self.down = down
        self.fault = fault
    }

    var name: String { "recording" }

    func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        Thread.sleep(forTimeInterval: 0.002)
        log.tried()
        if down { return .transient("connection refused") }
        if let fault { return .unavailable(fault) }
        if case .email(_, let email) = message, let key = refuse.first(where: { key in email.to.contains { $0.address.hasPrefix("c\(Int(key.dropFirst())!)@") } }) {
            return .permanent("550 refused \(key)")
        }
        guard handOver() else { return .unmarked }
        log.add(message.itemID, worker: worker)
        return .delivered(providerID: nil)
    }

    func reconcile(itemID: String, channel: Channel) -> Bool? { nil }
}

/// Lets every item through, and claims one of them for another run when it is asked about it:
/// that run takes the item between this run's reading and its hand-over.
private struct ClaimingGate: DeliveryGate, @unchecked Sendable {
    let ledger: LedgerStore
    let id: String
    let runID: Int64
    let at: Date

    func verdict(for item: PlanItem, at now: Date) -> GateVerdict {
        if item.id == id { _ = try? ledger.claim(id: id, runID: runID, at: at) }
        return .deliver
    }
}
