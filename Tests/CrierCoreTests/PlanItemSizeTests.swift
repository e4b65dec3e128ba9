import Testing
@testable import CrierCore

/// A plan holds all its items until it is written (100,000 at the benchmark's 10M appointments):
/// each byte of an item is 100 KB there.
@Suite("Plan item size")
struct PlanItemSizeTests {
    @Test func anItemTakesAtMost160Bytes() {
        #expect(MemoryLayout<PlanItem>.stride <= 160)
        #expect(MemoryLayout<SkipReason?>.size <= 8)
        #expect(MemoryLayout<MessageContent?>.size <= 41)
    }
}
