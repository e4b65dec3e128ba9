import ArgumentParser
import CrierCore
import CrierSample
import Foundation

/// `crier sample`: a realistic sample snapshot of the reference schema, for demos and benchmarks.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic sample snapshot (docs/snapshot-schema.sql) of any size, deterministically.")

    @Option(name: .long, help: "How many appointments.")
    var appointments: Int = 2000

    @Option(name: .long, help: ArgumentHelp("The first day appointments fall on (local date).", valueName: "YYYY-MM-DD"))
    var firstDay: String = "2026-11-20"

    @Option(name: .long, help: "How many days the appointments span.")
    var days: Int = 28

    @Option(name: .long, help: ArgumentHelp("IANA zone the business works in.", valueName: "ZONE"))
    var timezone: String = "Pacific/Auckland"

    @Option(name: .long, help: "Random seed: the same seed gives the same data.")
    var seed: UInt64 = 1

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Where to write the snapshot.", valueName: "PATH"))
    var output: String = "data/snapshot.sqlite"

    @Flag(name: .long, help: "Replace an existing file.")
    var force = false

    @Flag(name: .long, help: ArgumentHelp(
        "Write the Smart, RangerMSP and AngelTrack tables as they are a little later (dispatches assigned, tickets opened and closed, service jobs dispatched and completed...); the appointments are the same.",
        discussion: "Run crier over the plain sample, then over this one: the change schedules notify."))
    var later = false

    func validate() throws {
        guard appointments >= 1 else { throw ValidationError("--appointments must be at least 1") }
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard LocalDate(parsing: firstDay) != nil else { throw ValidationError("--first-day \"\(firstDay)\" is not a date like 2026-11-20") }
        guard TimeZone(identifier: timezone) != nil else { throw ValidationError("--timezone \"\(timezone)\" is not an IANA zone such as Pacific/Auckland") }
    }

    func run() throws {
        let folder = (output as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        if force {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: output + suffix) }
        }
        let sample = SampleSnapshot(appointments: appointments, firstDay: firstDay, days: days,
                                    timeZone: TimeZone(identifier: timezone)!, seed: seed, later: later)
        do {
            let summary = try sample.write(to: output)
            print("\(output): \(summary.appointments) appointments, \(summary.jobs) jobs, \(summary.tasks) tasks, "
                  + "\(summary.clients) clients, \(summary.contacts) contacts, \(summary.users) technicians, "
                  + "\(summary.packs.serviceJobs) service jobs, \(summary.packs.tickets) tickets, \(summary.packs.dispatches) dispatches"
                  + "\(later ? " (later)" : "") (\(String(format: "%.1f", summary.seconds)) s)")
        } catch let error as SampleSnapshotError {
            printError("\(error)")
            throw Exit.usage
        }
    }
}
