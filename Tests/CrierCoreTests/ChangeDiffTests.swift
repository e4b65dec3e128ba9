import Testing
@testable import CrierCore

@Suite("Change diff")
struct ChangeDiffTests {
    let old = ChangeFingerprint(first: 1, second: 2)
    let new = ChangeFingerprint(first: 3, second: 4)
    let every: [ChangeTrigger.Event] = [.enter, .leave, .change]

    @Test func theModeFollowsTheRecordedDefinition() {
        let silent = ChangeTrigger(on: every, watch: nil, baselineSends: false)
        let sends = ChangeTrigger(on: every, watch: nil, baselineSends: true)
        #expect(ChangeMode(recorded: "d1", current: "d1", trigger: sends) == .compare)
        #expect(ChangeMode(recorded: nil, current: "d1", trigger: silent) == .baseline)
        #expect(ChangeMode(recorded: nil, current: "d1", trigger: sends) == .sendingBaseline)
        #expect(ChangeMode(recorded: "d0", current: "d1", trigger: sends) == .baseline, "an edit re-baselines silently")
        #expect(ChangeMode(recorded: nil, current: "d1", trigger: ChangeTrigger(on: [.leave], watch: nil, baselineSends: true))
            == .baseline, "no enter events to send")
    }

    @Test func comparingMakesOneEventPerKey() {
        let mode = ChangeMode.compare
        #expect(mode.step(stored: .absent, current: new, on: every) == ChangeStep(.entered, event: .enter))
        #expect(mode.step(stored: .fingerprint(old), current: new, on: every) == ChangeStep(.changed, event: .change))
        #expect(mode.step(stored: .unreadable, current: old, on: every) == ChangeStep(.changed, event: .change))
        #expect(mode.step(stored: .fingerprint(old), current: old, on: every) == nil, "unchanged")
        #expect(mode.step(stored: .fingerprint(old), current: nil, on: every) == ChangeStep(.left, event: .leave))
        #expect(mode.step(stored: .unreadable, current: nil, on: every) == ChangeStep(.left, event: .leave))
        #expect(mode.step(stored: .absent, current: nil, on: every) == nil)
    }

    @Test func eventsLeftOutOfOnStillUpdateTheState() {
        let mode = ChangeMode.compare
        let step = mode.step(stored: .fingerprint(old), current: new, on: [.enter])
        #expect(step == ChangeStep(.changed, event: nil))
        #expect(step?.records == true)
        #expect(mode.step(stored: .fingerprint(old), current: nil, on: [.enter]) == ChangeStep(.left, event: nil))
        #expect(mode.step(stored: .fingerprint(old), current: nil, on: [.enter])?.records == false)
        #expect(mode.step(stored: .absent, current: new, on: [.leave]) == ChangeStep(.entered, event: nil))
    }

    @Test func aBaselineRecordsEveryKeyAndForgetsTheVanished() {
        for mode in [ChangeMode.baseline, .sendingBaseline] {
            let sent: ChangeTrigger.Event? = mode == .sendingBaseline ? .enter : nil
            #expect(mode.step(stored: .absent, current: new, on: every) == ChangeStep(.entered, event: sent))
            #expect(mode.step(stored: .fingerprint(old), current: old, on: every) == ChangeStep(.entered, event: sent),
                    "an unchanged key is recorded again under the new definition")
            #expect(mode.step(stored: .fingerprint(old), current: nil, on: every) == ChangeStep(.left, event: nil),
                    "a key the edited query no longer returns is forgotten without a leave")
            #expect(mode.step(stored: .absent, current: nil, on: every) == nil)
        }
    }

    @Test func stepsComeEnteredThenChangedThenLeftEachByKey() {
        let stored: [String: StoredKey] = ["b": .fingerprint(old), "d": .fingerprint(old), "e": .fingerprint(new), "f": .unreadable,
                                           "g": .fingerprint(old)]
        let current: [String: ChangeFingerprint] = ["a": new, "c": new, "d": new, "e": new, "f": old]
        let steps = ChangeMode.compare.steps(of: ["g", "f", "e", "d", "c", "b", "a"], stored: { stored[$0] ?? .absent },
                                             current: { current[$0] }, on: every, precedes: <)
        #expect(steps.map { "\($0.key) \($0.step.kind) \($0.step.event.map(\.rawValue) ?? "-")" }
            == ["a entered enter", "c entered enter", "d changed change", "f changed change", "b left leave", "g left leave"])
    }
}
