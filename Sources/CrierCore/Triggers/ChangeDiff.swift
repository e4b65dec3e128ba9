/// What the change trigger does with the stored state in one evaluation.
package enum ChangeMode: Sendable, Equatable {
    /// The definition is unchanged: compare with the stored state and make events.
    case compare
    /// A first evaluation or an edited definition: record every key, send nothing.
    case baseline
    /// A first evaluation that `baseline: send` asks to send `enter` for every key.
    case sendingBaseline

    /// The mode given the definition the ledger recorded (nil: none yet) and the current one.
    package init(recorded: String?, current: String, trigger: ChangeTrigger) {
        if recorded == current {
            self = .compare
        } else if recorded == nil && trigger.baselineSends && trigger.on.contains(.enter) {
            self = .sendingBaseline
        } else {
            self = .baseline
        }
    }
}

/// A key as the ledger's state holds it.
package enum StoredKey: Sendable, Equatable {
    /// Not in the state.
    case absent
    /// In the state with this fingerprint.
    case fingerprint(ChangeFingerprint)
    /// In the state with a fingerprint that cannot be read: counts as changed.
    case unreadable
}

/// What one evaluation does with one key: records its current rows or forgets it, and which
/// event (if any) it sends.
package struct ChangeStep: Sendable, Equatable {
    /// What happened to the key; also the order of the plan: entered, changed, then left.
    package enum Kind: Int, Sendable, Comparable {
        /// The query returns it and the state did not hold it (or a baseline records it).
        case entered
        /// Its rows' fingerprint differs from the stored one.
        case changed
        /// The state held it and the query no longer returns it.
        case left

        /// In the plan's order.
        package static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What happened to the key.
    package var kind: Kind
    /// The event to send; nil when the trigger's `on` leaves it out, or in a silent baseline.
    package var event: ChangeTrigger.Event?

    /// A step.
    package init(_ kind: Kind, event: ChangeTrigger.Event?) {
        self.kind = kind
        self.event = event
    }

    /// Whether the state records the key's current rows (else it forgets the key).
    package var records: Bool { kind != .left }
}

extension ChangeMode {
    /// The step for a key stored as `stored` whose rows now have the fingerprint `current`
    /// (nil: the query no longer returns it), sending the events in `on`; nil when the key
    /// needs nothing.
    package func step(stored: StoredKey, current: ChangeFingerprint?, on: [ChangeTrigger.Event]) -> ChangeStep? {
        guard self == .compare else {
            if current != nil { return ChangeStep(.entered, event: self == .sendingBaseline ? .enter : nil) }
            // A key recorded under the old definition that the new one does not return.
            return stored == .absent ? nil : ChangeStep(.left, event: nil)
        }
        let kind: ChangeStep.Kind, event: ChangeTrigger.Event
        switch (stored, current) {
        case (.absent, nil): return nil
        case (_, nil): (kind, event) = (.left, .leave)
        case (.absent, _): (kind, event) = (.entered, .enter)
        case (.fingerprint(let old), let new) where old == new: return nil
        default: (kind, event) = (.changed, .change)
        }
        return ChangeStep(kind, event: on.contains(event) ? event : nil)
    }

    /// Every key's step in the plan's order: entered, changed, then left keys, each by key as
    /// `precedes` orders them. Keys that need nothing are left out.
    package func steps<Key>(of keys: some Sequence<Key>, stored: (Key) -> StoredKey, current: (Key) -> ChangeFingerprint?,
                            on: [ChangeTrigger.Event], precedes: (Key, Key) -> Bool) -> [(key: Key, step: ChangeStep)] {
        keys.compactMap { key in step(stored: stored(key), current: current(key), on: on).map { (key, $0) } }
            .sorted { $0.step.kind != $1.step.kind ? $0.step.kind < $1.step.kind : precedes($0.key, $1.key) }
    }
}
