/// What one run's delivery came to.
package struct DeliverySummary: Sendable, Equatable {
    /// Delivered now.
    package var sent = 0
    /// Failed for good now.
    package var failed = 0
    /// Left pending for the next run after transient errors.
    package var leftForRetry = 0
    /// Found mid-delivery after a crash and not knowable: reported, not re-sent.
    package var uncertain = 0
    /// Found mid-delivery after a crash and confirmed delivered by the transport.
    package var reconciled = 0
    /// Left pending because `max_per_day` is reached; they go out in a run with room.
    package var heldByCap = 0
    /// Withdrawn by the delivery gate (recorded as skipped with its reason).
    package var withdrawn = 0
    /// SMS held by the delivery gate for quiet hours: pending for a run after them.
    package var heldByQuietHours = 0
    /// Held by the delivery gate because `opt_out_query` could not be read: pending.
    package var held = 0
    /// Error texts of failures and retries, by item id.
    package var errors: [(id: String, message: String)] = []
    /// Delivery-wide faults that stopped a transport for the run, by transport name.
    package var faults: [String: TransportFault] = [:]

    /// Whether a stopped transport's fault is one of configuration (exit 65).
    package var hasConfigurationFault: Bool { faults.values.contains { $0.kind == .configuration } }

    /// An empty summary.
    package init() {}

    /// Adds another worker's counts and errors.
    package mutating func merge(_ other: DeliverySummary) {
        sent += other.sent
        failed += other.failed
        leftForRetry += other.leftForRetry
        uncertain += other.uncertain
        reconciled += other.reconciled
        heldByCap += other.heldByCap
        withdrawn += other.withdrawn
        heldByQuietHours += other.heldByQuietHours
        held += other.held
        errors += other.errors
        faults.merge(other.faults) { first, _ in first }
    }

    /// Compares counts and errors.
    package static func == (lhs: DeliverySummary, rhs: DeliverySummary) -> Bool {
        lhs.sent == rhs.sent && lhs.failed == rhs.failed && lhs.leftForRetry == rhs.leftForRetry
            && lhs.uncertain == rhs.uncertain && lhs.reconciled == rhs.reconciled && lhs.heldByCap == rhs.heldByCap
            && lhs.withdrawn == rhs.withdrawn && lhs.held == rhs.held && lhs.heldByQuietHours == rhs.heldByQuietHours && lhs.faults == rhs.faults
            && lhs.errors.map(\.id) == rhs.errors.map(\.id) && lhs.errors.map(\.message) == rhs.errors.map(\.message)
    }
}
