/// A small deterministic generator (SplitMix64) for generated test inputs: a seed gives the same
/// inputs every time, so a failure names an input that comes back.
package struct SplitMix64 {
    /// The state; the seed to start with.
    package var state: UInt64

    /// A generator from `state`.
    package init(state: UInt64) { self.state = state }

    /// A number in `0..<bound`.
    package mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
