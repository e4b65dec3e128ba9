import CrierCore
import CrierTestSupport
import Foundation
import Testing
@testable import CrierPostgres

/// The PostgreSQL ledger passes the ledger conformance suite, each check in a fresh schema.
@Suite("Ledger conformance: PostgreSQL", .enabled(if: TestDatabase.available))
struct PostgresLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conforms(_ check: LedgerConformance.Check) throws {
        try check.run { TestDatabase.storage() }
    }
}
