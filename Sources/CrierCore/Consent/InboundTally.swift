/// What importing inbound replies decides, apart from the SQL each ledger runs: which replies
/// were new, and for which senders the latest keyword reply (over every import) is new and so
/// is applied. Both ledgers feed it the outcome of their inserts and lookups.
package struct InboundTally: Sendable {
    /// The import's outcome so far.
    package private(set) var result = InboundImport()
    private var touched: Set<String> = []
    private var fresh: Set<[String]> = []

    /// An empty tally.
    package init() {}

    /// Counts `reply`, which the ledger `inserted` (new) or already held (known).
    package mutating func recorded(_ reply: InboundReply, inserted: Bool) {
        guard inserted else {
            result.knownReplies += 1
            return
        }
        result.newReplies += 1
        if reply.keyword == nil {
            result.unknown.append(reply)
        } else {
            touched.insert(reply.from)
            fresh.insert([reply.from, reply.receivedAt, reply.body])
        }
    }

    /// Senders with a new keyword reply, in a fixed order: the ones whose latest reply may apply.
    package var senders: [String] { touched.sorted() }

    /// The keyword to apply for `sender`, given its latest keyword reply over every import
    /// (received_at, body, keyword text); nil when that reply is an old one, so nothing changes.
    package func keyword(for sender: String, latest: (receivedAt: String, body: String, keyword: String)?) -> InboundKeyword? {
        guard let latest, fresh.contains([sender, latest.receivedAt, latest.body]) else { return nil }
        return InboundKeyword(rawValue: latest.keyword)
    }

    /// Notes that applying `keyword` to `sender` `changed` the suppression list.
    package mutating func applied(_ keyword: InboundKeyword, to sender: String, changed: Bool) {
        guard changed else { return }
        switch keyword {
        case .stop: result.optedOut.append(sender)
        case .start: result.optedIn.append(sender)
        }
    }
}
