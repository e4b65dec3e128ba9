import CrierTestSupport
import Foundation
import Testing

/// `crier schema` and the shipped files: every example validates against the schemas with
/// Python's jsonschema (contrib/check-yaml-schemas.py), and broken files are rejected.
@Suite("schema, end to end")
struct SchemaEndToEndTests {
    /// The repository this test was built from.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs the checker over `files` with the schemas in `schemas`; (exit code, output lines).
    func check(_ files: [String], schemas: String = root + "/schemas") throws -> (code: Int32, lines: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root + "/contrib/check-yaml-schemas.py", "--schemas", schemas] + files
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }

    func files(in folder: String, ending suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.root + "/" + folder).filter { $0.hasSuffix(suffix) }.sorted()
            .map { Self.root + "/\(folder)/" + $0 }
    }

    @Test(arguments: ["crier", "schedule", "front-matter"])
    func theShippedSchemaFilesAreWhatCrierSchemaPrints(_ kind: String) throws {
        let repo = try ConfigRepo(schedules: [:], templates: [:])
        let printed = try repo.crier(["schema", kind])
        #expect(printed.code == 0)
        let shipped = try String(contentsOfFile: Self.root + "/schemas/\(kind).schema.json", encoding: .utf8)
        #expect(printed.out == shipped, "run `crier schema \(kind) > schemas/\(kind).schema.json`")
        let object = try JSONSerialization.jsonObject(with: Data(printed.out.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func everyShippedExampleAndReadmeBlockValidates() throws {
        let schedules = try files(in: "schedules", ending: ".yaml")
        let templates = try files(in: "templates", ending: ".email.mustache")
        let result = try check([Self.root + "/crier.yaml"] + schedules + templates + [Self.root + "/README.md"])
        #expect(result.code == 0, "\(result.lines.filter { !$0.hasPrefix("ok ") })")
        let readme = result.lines.filter { $0.contains("README.md:") }
        #expect(readme.count >= 3, "every ```yaml block of the README is checked: \(readme)")
        #expect(result.lines.filter { $0.hasPrefix("ok ") }.count == 1 + schedules.count + templates.count + readme.count)
    }

    @Test func theShippedYAMLFilesNameTheirSchemaForEditors() throws {
        let crier = try String(contentsOfFile: Self.root + "/crier.yaml", encoding: .utf8)
        #expect(crier.hasPrefix("# yaml-language-server: $schema=schemas/crier.schema.json\n"))
        for path in try files(in: "schedules", ending: ".yaml") {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=../schemas/schedule.schema.json\n"), "\(path)")
        }
    }

    @Test func brokenFilesAreRejectedWithWhatIsWrong() throws {
        let repo = try ConfigRepo(config: """
            timezone: Pacific/Auckland
            email:
              transport: smpt
              smtp: { url: "smtp://mail.example:587", password: hunter2 }
            metrics: {}
            """, schedules: ["broken.yaml": """
            cron: "0 17 * * *"
            channel: sms
            template: reminder
            trigger:
              upcoming: { interval: 1 day }
            """], templates: ["bad.email.mustache": "---\ncc: office@acme.example\n---\nHello\n"])
        let result = try check([repo.root + "/crier.yaml", repo.root + "/schedules/broken.yaml", repo.root + "/templates/bad.email.mustache"])
        #expect(result.code == 1)
        let expected = [
            "crier.yaml:1: error: email/transport: 'smpt' is not one of ['outbox', 'smtp'] (crier schema)",
            "crier.yaml:1: error: email/smtp: Additional properties are not allowed ('password' was unexpected) (crier schema)",
            "crier.yaml:1: error: metrics: 'textfile' is a required property (crier schema)",
            "broken.yaml:1: error: (top level): 'query' is a required property (schedule schema)",
            "broken.yaml:1: error: trigger/upcoming: 'at' is a required property (schedule schema)",
            "bad.email.mustache:2: error: (top level): 'subject' is a required property (front-matter schema)",
        ]
        for line in expected {
            #expect(result.lines.contains { $0.hasSuffix(line) }, "\(line)\nin \(result.lines)")
        }
        #expect(!result.lines.joined().contains("hunter2"), "a literal password is named, not shown")
    }
}
