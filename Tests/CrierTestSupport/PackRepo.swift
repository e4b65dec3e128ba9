import CrierSQLite
import Foundation
import GRDB

/// A config repository made of some of the shipped example schedules and all the shipped
/// templates, over a snapshot of the reference schema that the test edits between runs.
package struct PackRepo {
    package let repo: ConfigRepo
    package var seen: Set<String> = []
    /// The files (email or SMS JSON) the last `run` delivered, as written.
    package var delivered: [String] = []

    package init(schedules: [String]) throws {
        let allSchedules = try TestPaths.shipped("schedules")
        repo = try ConfigRepo(schedules: allSchedules.filter { schedules.contains($0.key) }, templates: try TestPaths.shipped("templates"))
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in try db.execute(sql: SnapshotSchema.sql) }
        try queue.close()
    }

    /// Runs SQL against the snapshot (the business changing its data).
    package func edit(_ sql: String) throws {
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    /// `crier run --at T`; returns the messages delivered by this run as "TO | SUBJECT" (email)
    /// or "TO | BODY" (SMS), sorted.
    package mutating func run(at: String) throws -> [String] {
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

    package struct RunFailure: Error, CustomStringConvertible {
        package let text: String
        package var description: String { text }
        package init(text: String) { self.text = text }
    }
}
