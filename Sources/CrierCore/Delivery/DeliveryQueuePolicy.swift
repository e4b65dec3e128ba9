/// When a run stops handing out pending items, as a value-type state machine: feed it each
/// item's outcome and it says whether to go on. After `giveUpAfter` items in a row were left
/// for the next run (server down, network trouble) it stops, so that the rest waits for the
/// next run without each item spending its retries on a dead server.
package struct DeliveryQueuePolicy: Sendable, Equatable {
    /// What the queue should do after an outcome.
    package enum Action: Sendable, Equatable {
        /// Hand out the next item.
        case next
        /// Hand out nothing more in this run.
        case stop
    }

    /// Deferrals in a row that stop the run (0: never stop).
    package let giveUpAfter: Int
    /// Items left for the next run since the last settled one.
    package private(set) var deferralsInARow = 0
    /// Whether the queue stopped.
    package private(set) var stopped = false

    /// A policy that stops after `giveUpAfter` deferrals in a row.
    package init(giveUpAfter: Int = 5) { self.giveUpAfter = giveUpAfter }

    /// The action after an item was left for the next run (`deferred`) or settled.
    package mutating func note(deferred: Bool) -> Action {
        deferralsInARow = deferred ? deferralsInARow + 1 : 0
        if giveUpAfter > 0, deferralsInARow >= giveUpAfter { stopped = true }
        return stopped ? .stop : .next
    }
}
