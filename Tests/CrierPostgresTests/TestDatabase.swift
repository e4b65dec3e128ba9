import CrierCore
import Foundation
@testable import CrierPostgres

/// The throwaway PostgreSQL of contrib/test-postgres.sh (`make test` and CI start it and export
/// CRIER_TEST_POSTGRES_URL). Each test works in a fresh schema of its own.
enum TestDatabase {
    /// The server's URL; nil when absent.
    static let url = ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// Set CRIER_TEST_POSTGRES_SKIP=1 to run the suite without PostgreSQL (they are then skipped
    /// on purpose, never by accident).
    static let skipped = ProcessInfo.processInfo.environment["CRIER_TEST_POSTGRES_SKIP"] == "1"
    /// Whether the PostgreSQL tests run.
    static let available = url != nil && !skipped

    /// Settings for a new schema on the test server.
    static func settings(schema: String = freshSchema()) -> PostgresLedgerSettings {
        PostgresLedgerSettings(connection: url ?? "postgresql://127.0.0.1:1/none", schema: schema, password: nil)
    }

    /// A schema name no other test uses.
    static func freshSchema() -> String {
        "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// A ledger in `schema` (migrated).
    static func ledger(_ schema: String, command: String = "test") throws -> PostgresLedger {
        try PostgresLedger(settings: settings(schema: schema), password: nil, command: command)
    }
}
