import Foundation

/// What `history`, `failures` and `optout list` read from the ledger.
package protocol LedgerHistory {
    /// Items matching `filter`, newest first, at most `limit`.
    func history(_ filter: HistoryFilter, limit: Int) throws -> [HistoryEntry]
    /// Sent messages counted per `column`, with `filter`, most first.
    func sentCounts(by column: SentCountColumn, _ filter: HistoryFilter) throws -> [SentCount]
    /// Failed and uncertain items changed at or after `since`, newest first.
    func failures(since: Date) throws -> [HistoryEntry]
    /// Items that have been waiting to be delivered since before `before`, oldest wait first,
    /// each with `waitingSince`: the time it last became pending (recorded, planned again after
    /// a skip, or retried), however often runs tried it since.
    func waitingPending(since before: Date) throws -> [HistoryEntry]
    /// Everything that happened to item `id`, oldest first (empty when there is no such item).
    func events(itemID: String) throws -> [ItemEvent]
    /// How many items are in each state.
    func stateCounts() throws -> [ItemState: Int]
    /// Items of `channels` sent at or after `since` (what today's `max_per_day` has used).
    func sentCount(channels: Set<Channel>, since: Date) throws -> Int
    /// The suppression list, ordered by address.
    func optOuts() throws -> [OptOutEntry]
    /// Items waiting to be delivered, oldest first: what the next run delivers (the preview's backlog).
    func pending() throws -> [LedgerItem]
    /// The recorded content of the items with `ids` (subject, body, attachments), by id.
    func contents(ids: [String]) throws -> [String: PlanItem]
}

/// A ledger opened for reading: planning's view and the history.
package typealias LedgerReader = LedgerView & LedgerHistory

/// `history`'s filters; nil: any.
package struct HistoryFilter: Sendable, Equatable {
    /// Only this key.
    package var key: String?
    /// Only this recipient (normalised).
    package var recipient: String?
    /// Only this schedule.
    package var schedule: String?

    /// A filter; no argument: every item.
    package init(key: String? = nil, recipient: String? = nil, schedule: String? = nil) {
        self.key = key
        self.recipient = recipient
        self.schedule = schedule
    }
}

/// One line of `crier history`.
package struct HistoryEntry: Sendable, Equatable {
    /// The item's id.
    package var id: String
    /// The schedule.
    package var schedule: String
    /// The subject.
    package var key: String
    /// The occurrence.
    package var occurrence: String
    /// SMS or email.
    package var channel: String
    /// Who.
    package var recipient: String
    /// Where it stands.
    package var state: String
    /// Why skipped.
    package var reason: String?
    /// Last error.
    package var error: String?
    /// Last change (UTC).
    package var updatedAt: String
    /// When it was sent (UTC).
    package var sentAt: String?
    /// For a pending item: since when it has been waiting (UTC).
    package var waitingSince: String?

    /// An entry.
    package init(id: String, schedule: String, key: String, occurrence: String, channel: String, recipient: String,
                 state: String, reason: String?, error: String?, updatedAt: String, sentAt: String?) {
        self.id = id
        self.schedule = schedule
        self.key = key
        self.occurrence = occurrence
        self.channel = channel
        self.recipient = recipient
        self.state = state
        self.reason = reason
        self.error = error
        self.updatedAt = updatedAt
        self.sentAt = sentAt
    }
}

/// One step of an item's life: recorded, claimed, handed over, settled, withdrawn, retried.
package struct ItemEvent: Sendable, Equatable {
    /// When (UTC).
    package var at: String
    /// What: an item state, `handed-over` or `retried`.
    package var state: String
    /// The reason, error, or who retried it.
    package var detail: String?
    /// The command of the run that did it (`run`, `execute`, `send`), if any.
    package var command: String?

    /// An event.
    package init(at: String, state: String, detail: String?, command: String?) {
        self.at = at
        self.state = state
        self.detail = detail
        self.command = command
    }
}

/// How many messages went to one key or one recipient.
package struct SentCount: Sendable, Equatable {
    /// The key or the recipient.
    package var subject: String
    /// SMS sent.
    package var sms: Int
    /// Emails sent.
    package var email: Int
    /// When the latest went out (UTC).
    package var lastSentAt: String?

    /// A count.
    package init(subject: String, sms: Int, email: Int, lastSentAt: String?) {
        self.subject = subject
        self.sms = sms
        self.email = email
        self.lastSentAt = lastSentAt
    }

    /// All messages.
    package var total: Int { sms + email }
}

/// What `sentCounts` groups by.
package enum SentCountColumn: String, Sendable {
    /// Per key (job, appointment, ticket).
    case key
    /// Per recipient.
    case recipient
}

/// Who put an address on the suppression list.
package enum OptOutSource: String, Sendable {
    /// `crier optout add`.
    case manual
    /// An inbound SMS reply (STOP).
    case inbound
}

/// One entry of the suppression list.
package struct OptOutEntry: Sendable, Equatable {
    /// E.164 number or lower-cased email address.
    package var address: String
    /// Why (`--reason`, or the inbound keyword).
    package var reason: String?
    /// `manual` (crier optout add) or `inbound` (an SMS reply).
    package var source: String
    /// When it was added (UTC).
    package var createdAt: String

    /// An entry.
    package init(address: String, reason: String?, source: String, createdAt: String) {
        self.address = address
        self.reason = reason
        self.source = source
        self.createdAt = createdAt
    }
}

/// What importing a file of inbound replies changed.
package struct InboundImport: Sendable, Equatable {
    /// Replies not seen before (keyed by sender, received_at, body).
    package var newReplies = 0
    /// Replies imported earlier, left alone.
    package var knownReplies = 0
    /// Senders added to the suppression list.
    package var optedOut: [String] = []
    /// Senders removed from it.
    package var optedIn: [String] = []
    /// New replies that are no keyword, for a person to read.
    package var unknown: [InboundReply] = []

    /// Nothing changed.
    package init() {}
}
