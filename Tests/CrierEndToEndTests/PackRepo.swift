import CrierSQLite
import Foundation
import GRDB

/// A config repository made of some of the shipped example schedules and all the shipped
/// templates, over a snapshot of the reference schema that the test edits between runs.
struct PackRepo {
    let repo: ConfigRepo
    var seen: Set<String> = []
    /// The files (email or SMS JSON) the last `run` delivered, as written.
    var delivered: [String] = []

    static let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(schedules: [String]) throws {
        func read(_ folder: String) throws -> [String: String] {
            let url = Self.projectRoot.appendingPathComponent(folder)
            var files: [String: String] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
                files[name] = try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
            }
            return files
        }
        let allSchedules = try read("schedules")
        repo = try ConfigRepo(schedules: allSchedules.filter { schedules.contains($0.key) }, templates: try read("templates"))
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in try db.execute(sql: SnapshotSchema.sql) }
        try queue.close()
    }

    /// Runs SQL against the snapshot (the business changing its data).
    func edit(_ sql: String) throws {
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// `crier run --at T`; returns the messages delivered by this run as "TO | SUBJECT" (email)
    /// or "TO | BODY" (SMS), sorted.
    mutating func run(at: String) throws -> [String] {
        let result = try repo.crier(["run", "--at", at])
        guard result.code == 0 else { throw RunFailure(text: "exit \(result.code)\n\(result.out)\n\(result.err)") }
        var messages: [String] = []
        delivered = []
        for folder in ["email", "sms"] {
            for name in repo.outbox(folder) where seen.insert("\(folder)/\(name)").inserted {
                let text = try String(contentsOfFile: "\(repo.root)/outbox/\(folder)/\(name)", encoding: .utf8)
                delivered.append(text)
                if folder == "email" {
                    let headers = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
                    let to = headers.first { $0.hasPrefix("To: ") }?.dropFirst(4) ?? ""
                    let subject = headers.first { $0.hasPrefix("Subject: ") }?.dropFirst(9) ?? ""
                    messages.append("\(to) | \(subject)")
                } else {
                    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                    messages.append("\(object?["recipient"] ?? "") | \(object?["body"] ?? "")")
                }
            }
        }
        return messages.sorted()
    }

    struct RunFailure: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }
}
