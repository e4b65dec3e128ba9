import CrierCore
import CrierTestSupport
import Testing

/// The in-memory ledger the core tests run over passes the ledger conformance suite, so what
/// they show holds over the real ledgers too.
@Suite("Ledger conformance: memory")
struct MemoryLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conforms(_ check: LedgerConformance.Check) throws {
        try check.run { MemoryLedgerStorage() }
    }
}
