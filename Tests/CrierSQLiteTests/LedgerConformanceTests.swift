import CrierCore
import CrierTestSupport
import Foundation
import Testing
@testable import CrierSQLite

/// The SQLite ledger passes the ledger conformance suite.
@Suite("Ledger conformance: SQLite")
struct SQLiteLedgerConformanceTests {
    @Test(arguments: LedgerConformance.checks)
    func conforms(_ check: LedgerConformance.Check) throws {
        try check.run {
            LedgerFile(path: NSTemporaryDirectory() + "crier-conformance-\(UUID().uuidString)/state/ledger.sqlite")
        }
    }
}
