import CrierCore
import CrierSQLite
import Foundation

extension Workspace {
    /// The ledger opened so that nothing can be written to it (nil when there is none yet),
    /// for the commands that record nothing; exits 65 saying why when it cannot be read.
    func readOnlyLedger() throws -> LedgerStore? {
        let path = repository.config.ledgerPath
        do {
            return try LedgerStore.openReadOnly(path: path)
        } catch let error as LedgerReadError {
            printError(error.description)
            throw Exit.invalid
        } catch {
            printError("\(path): error: cannot read the ledger: \(error)")
            throw Exit.invalid
        }
    }
}
