/// One key's change-trigger state after a run: set it (fingerprint and last seen rows) or
/// delete it (the key left).
package struct ChangeStateUpdate: Sendable, Equatable, Codable {
    /// The schedule.
    package var schedule: String
    /// The key.
    package var key: String
    /// Fingerprint of the watched columns of all the key's rows; nil deletes the key.
    package var fingerprint: String?
    /// The key's rows as compact JSON (enough to render a `leave` message later).
    package var rows: String?

    /// An update.
    package init(schedule: String, key: String, fingerprint: String?, rows: String?) {
        self.schedule = schedule
        self.key = key
        self.fingerprint = fingerprint
        self.rows = rows
    }
}
