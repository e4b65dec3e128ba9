/// Told how a delivery run advances (for a progress line on a terminal). Called from the
/// delivery workers' threads.
package protocol DeliveryProgress: Sendable {
    /// Delivery of `total` pending items starts.
    func started(total: Int)
    /// One more item is settled (sent, failed, or left for the next run).
    func advanced()
    /// Delivery is over.
    func finished()
}
