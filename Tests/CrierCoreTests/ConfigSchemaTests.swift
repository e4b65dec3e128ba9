import Foundation
import Testing
@testable import CrierCore

/// The JSON Schemas follow the loaders: every key a loader accepts is a property of the schema.
@Suite("Config schema")
struct ConfigSchemaTests {
    /// The `properties` keys at `path` (object keys, walking `properties`) of `kind`'s schema.
    func properties(_ kind: ConfigSchema, _ path: [String] = []) throws -> Set<String> {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(kind.text.utf8)) as? [String: Any])
        for key in path {
            let properties = try #require(object["properties"] as? [String: Any])
            object = try #require(properties[key] as? [String: Any], "no \(key)")
        }
        return Set(try #require(object["properties"] as? [String: Any]).keys)
    }

    @Test func everyKeyTheLoadersAcceptIsInTheSchema() throws {
        let literalPassword: Set = ["password"]  // accepted by the loader only to refuse it with a hint
        #expect(Set(Config.topLevelKeys).subtracting(try properties(.crier)).isEmpty)
        #expect(Set(EmailSettings.keys).subtracting(try properties(.crier, ["email"])).isEmpty)
        #expect(Set(SMTPSettings.keys).subtracting(literalPassword).subtracting(try properties(.crier, ["email", "smtp"])).isEmpty)
        #expect(Set(SMSSettings.keys).subtracting(try properties(.crier, ["sms"])).isEmpty)
        #expect(Set(Schedule.keys).subtracting(try properties(.schedule)).isEmpty)
        #expect(try properties(.frontMatter).isSuperset(of: ["subject", "reply_to", "cc", "bcc"]))
    }

    @Test func aLiteralPasswordIsNotAProperty() throws {
        #expect(!(try properties(.crier, ["email", "smtp"])).contains("password"))
        #expect(!(try properties(.crier, ["sms", "http"])).contains("password"))
    }

    @Test func theSPECSection6KeysAreThere() throws {
        #expect(try properties(.crier).isSuperset(of: ["snapshot_max_age", "attachments_dir", "metrics", "log_format", "ledger_options"]))
        #expect(try properties(.crier, ["email"]).isSuperset(of: ["envelope_from", "archive_bcc"]))
        #expect(try properties(.crier, ["sms"]).contains("allowed_regions"))
        #expect(try properties(.schedule).isSuperset(of: ["expires_after", "times"]))
        #expect(try properties(.frontMatter).contains("attachments"))
    }
}
