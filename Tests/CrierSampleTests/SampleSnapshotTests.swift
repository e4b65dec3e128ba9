import Foundation
import GRDB
import Testing

import CrierCore
import CrierSQLite
@testable import CrierSample

/// A fresh temporary folder for one test's files.
private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("crier-sample-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Opens a snapshot read-only.
private func openSnapshot(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration)
}

/// Writes a sample with the given options into a new temporary folder.
private func makeSample(
    appointments: Int = 500, firstDay: String = "2025-03-25", days: Int = 28, seed: UInt64 = 1
) throws -> (folder: URL, path: String, summary: SampleSnapshot.Summary) {
    let folder = try temporaryFolder()
    let path = folder.appendingPathComponent("snapshot.sqlite").path
    let summary = try SampleSnapshot(appointments: appointments, firstDay: firstDay, days: days, seed: seed)
        .write(to: path)
    return (folder, path, summary)
}

/// Every row of every table, in id order, as text.
private func dump(_ path: String) throws -> String {
    try openSnapshot(path).read { db throws in
        var lines: [String] = []
        for table in ["clients", "contacts", "users", "jobs", "tasks", "appointments"] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") {
                lines.append("\(table) \(row)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// The schema objects of a database (type, name, table, SQL text), sorted.
private func schemaObjects(_ db: Database) throws -> [String] {
    try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master").map { row in
        let sql: String? = row["sql"]
        return "\(row["type"] as String)|\(row["name"] as String)|\(row["tbl_name"] as String)|\(sql ?? "NULL")"
    }.sorted()
}

private let auckland = TimeZone(identifier: "Pacific/Auckland")!

/// A Gregorian calendar in Pacific/Auckland.
private var aucklandCalendar: Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = auckland
    return calendar
}

/// Parses strict "YYYY-MM-DDTHH:MM:SSZ" with Foundation (independently of the generator's formatter).
private func parseUTC(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text), formatter.string(from: date) == text, text.count == 20 else {
        return nil
    }
    return date
}

/// The embedded schema is byte for byte docs/snapshot-schema.sql.
@Test func schemaTextEqualsDocsFileByteForByte() throws {
    let docs = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CrierSQLiteTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("docs/snapshot-schema.sql")
    let file = try Data(contentsOf: docs)
    #expect(!file.isEmpty)
    #expect(Data(SnapshotSchema.sql.utf8) == file)
}

/// The summary's counts are the tables' row counts, in the documented proportions.
@Test func countsMatchSummaryAndProportions() throws {
    let sample = try makeSample()
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let s = sample.summary
    #expect(s.appointments == 500)
    #expect(s.clients == 25)
    #expect(s.jobs == 125)
    #expect(s.users == 40)
    #expect((s.clients...3 * s.clients).contains(s.contacts))
    #expect((s.jobs...2 * s.jobs).contains(s.tasks))
    #expect(s.seconds > 0 && s.seconds < 60)
    try openSnapshot(sample.path).read { db throws in
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM clients") == s.clients)
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") == s.contacts)
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs") == s.jobs)
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM tasks") == s.tasks)
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM appointments") == s.appointments)
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM users") == s.users)
        // Every client has 1–3 contacts, every job 1–2 tasks.
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM clients c
            WHERE (SELECT count(*) FROM contacts WHERE client_id = c.id) NOT BETWEEN 1 AND 3
            """) == 0)
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM tasks WHERE job_id = j.id) NOT BETWEEN 1 AND 2
            """) == 0)
    }
}

/// sqlite_master equals that of a fresh database made from the schema SQL; the file is self-contained.
@Test func schemaObjectsEqualThoseOfTheSchemaSQL() throws {
    let sample = try makeSample()
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let fresh = try DatabaseQueue()
    let expected = try fresh.write { db throws in
        try db.execute(sql: SnapshotSchema.sql)
        return try schemaObjects(db)
    }
    #expect(expected.count == 28)  // 17 tables, 8 indexes, 3 autoindexes (UNIQUE codes and numbers)
    let snapshot = try openSnapshot(sample.path)
    let actual = try snapshot.read { db in try schemaObjects(db) }
    #expect(actual == expected)
    // A single self-contained file in rollback-journal mode.
    #expect(try snapshot.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
    for sidecar in ["-journal", "-wal", "-shm"] {
        #expect(!FileManager.default.fileExists(atPath: sample.path + sidecar))
    }
    #expect(try snapshot.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
}

/// Same options give identical rows; another seed gives other rows.
@Test func sameOptionsGiveSameRowsAndOtherSeedsDiffer() throws {
    let a = try makeSample(seed: 7)
    let b = try makeSample(seed: 7)
    let c = try makeSample(seed: 8)
    defer { for s in [a, b, c] { try? FileManager.default.removeItem(at: s.folder) } }
    let dumpA = try dump(a.path)
    #expect(dumpA.split(separator: "\n").count > 500)
    #expect(dumpA == (try dump(b.path)))
    #expect(dumpA != (try dump(c.path)))
    var counts = a.summary, others = b.summary
    counts.seconds = 0
    others.seconds = 0
    #expect(counts == others)
}

/// Every appointment is strict UTC text, in the window, on a local quarter hour of 07:00–18:00, across a DST change.
@Test func appointmentsAreInWindowOnQuarterHoursOfLocalBusinessHours() throws {
    // 2025-03-25 + 28 days spans the end of NZ daylight time (2025-04-06 03:00 NZDT → 02:00 NZST).
    let sample = try makeSample(appointments: 2000)
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let calendar = aucklandCalendar
    let lower = calendar.date(from: DateComponents(year: 2025, month: 3, day: 25))!
    let upper = calendar.date(byAdding: .day, value: 28, to: lower)!
    let rows = try openSnapshot(sample.path).read { db throws in
        try Row.fetchAll(db, sql: "SELECT starts_at, ends_at FROM appointments")
    }
    #expect(rows.count == 2000)
    var bad: [String] = []
    var openingUTCHours = Set<Int>()
    for row in rows {
        let startText: String = row["starts_at"], endText: String = row["ends_at"]
        guard let start = parseUTC(startText), let end = parseUTC(endText) else {
            bad.append("not UTC text: \(startText) \(endText)")
            continue
        }
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: start)
        let localEnd = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: end)
        let minute = local.hour! * 60 + local.minute!
        let endMinute = localEnd.hour! * 60 + localEnd.minute!
        let length = end.timeIntervalSince(start)
        if start < lower || start >= upper { bad.append("outside window: \(startText)") }
        if minute < 7 * 60 || minute > 18 * 60 || local.minute! % 15 != 0 || local.second! != 0 {
            bad.append("not a local business quarter hour: \(startText)")
        }
        if length < 30 * 60 || length > 4 * 3600 || Int(length) % 900 != 0 { bad.append("length: \(startText)") }
        if localEnd.day != local.day || endMinute > 18 * 60 { bad.append("ends after 18:00: \(endText)") }
        if minute == 7 * 60 { openingUTCHours.insert(Calendar(identifier: .gregorian).component(.hour, from: start)) }
    }
    #expect(bad.isEmpty, "\(bad.prefix(5))")
    // 07:00 local is 18:00Z under NZDT (+13) and 19:00Z under NZST (+12): both occur.
    #expect(openingUTCHours == [18, 19])
}

/// Local business-hour slots convert to UTC with the offset of their own day.
@Test func localSlotsFollowDaylightSavingChanges() throws {
    // NZ daylight time ends 2025-04-06 and starts 2025-09-28.
    let april = LocalSlots(firstDay: LocalDate(year: 2025, month: 4, day: 5)!, days: 2, timeZone: auckland)
    #expect(utcText(april.instant(day: 0, quarter: 28)) == "2025-04-04T18:00:00Z")
    #expect(utcText(april.instant(day: 1, quarter: 28)) == "2025-04-05T19:00:00Z")
    #expect(utcText(april.instant(day: 1, quarter: 72)) == "2025-04-06T06:00:00Z")
    let september = LocalSlots(firstDay: LocalDate(year: 2025, month: 9, day: 27)!, days: 2, timeZone: auckland)
    #expect(utcText(september.instant(day: 0, quarter: 29)) == "2025-09-26T19:15:00Z")
    #expect(utcText(september.instant(day: 1, quarter: 29)) == "2025-09-27T18:15:00Z")
    // UTC: local is UTC.
    let utc = LocalSlots(firstDay: LocalDate(year: 2025, month: 1, day: 1)!, days: 1, timeZone: TimeZone(identifier: "UTC")!)
    #expect(utcText(utc.instant(day: 0, quarter: 30)) == "2025-01-01T07:30:00Z")
}

/// The fast UTC formatter agrees with Foundation's ISO 8601 formatter; date parsing is strict.
@Test func utcTextAgreesWithFoundation() {
    let formatter = ISO8601DateFormatter()
    var rng = SplitMix64(seed: 42)
    for _ in 0..<2000 {
        let seconds = Int64(rng.below(8_000_000_000)) - 1_000_000_000  // 1938 ... 2223
        #expect(utcText(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
    #expect(utcText(0) == "1970-01-01T00:00:00Z")
    #expect(utcText(951_782_400) == "2000-02-29T00:00:00Z")
    #expect(LocalDate(parsing: "2024-02-29") == LocalDate(year: 2024, month: 2, day: 29)!)
    #expect(LocalDate(parsing: "2025-02-29") == nil)
    #expect(LocalDate(parsing: "2025-3-01") == nil)
}

/// Foreign keys hold, and every contact used by a job, task or appointment belongs to the job's client.
@Test func referencesAreIntactAndContactsBelongToTheJobsClient() throws {
    let sample = try makeSample()
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    try openSnapshot(sample.path).read { db throws in
        #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM jobs j JOIN contacts c ON c.id = j.contact_id WHERE c.client_id <> j.client_id
            """) == 0)
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM tasks t JOIN jobs j ON j.id = t.job_id JOIN contacts c ON c.id = t.contact_id
            WHERE c.client_id <> j.client_id
            """) == 0)
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM appointments a JOIN tasks t ON t.id = a.task_id JOIN jobs j ON j.id = t.job_id
            JOIN contacts c ON c.id = a.contact_id WHERE c.client_id <> j.client_id
            """) == 0)
        // contact_is_client = 1 never comes with an explicit contact.
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM appointments WHERE contact_is_client = 1 AND contact_id IS NOT NULL
            """) == 0)
        // Job codes are "J" + 6 digits.
        #expect(try String.fetchOne(db, sql: "SELECT code FROM jobs WHERE id = 42") == "J000042")
    }
}

/// Some jobs have several appointments on one local day (second technician, or later the same day).
@Test func someJobsHaveSeveralAppointmentsOnTheSameLocalDay() throws {
    let sample = try makeSample()
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let rows = try openSnapshot(sample.path).read { db throws in
        try Row.fetchAll(db, sql: """
            SELECT t.job_id, a.starts_at, a.user_id FROM appointments a JOIN tasks t ON t.id = a.task_id
            """)
    }
    let calendar = aucklandCalendar
    var byJobDay: [String: [(start: String, user: Int?)]] = [:]
    for row in rows {
        let job: Int = row["job_id"], start: String = row["starts_at"]
        let day = calendar.dateComponents([.year, .month, .day], from: parseUTC(start)!)
        byJobDay["\(job) \(day.year!)-\(day.month!)-\(day.day!)", default: []].append((start, row["user_id"]))
    }
    let sameDay = byJobDay.values.filter { $0.count >= 2 }
    #expect(sameDay.count >= 5)
    // Both patterns: two technicians at the same time, and a later visit the same day.
    #expect(sameDay.contains { visits in Set(visits.map(\.start)).count < visits.count })
    #expect(sameDay.contains { visits in Set(visits.map(\.start)).count > 1 })
}

/// Digits of a typed number, with "+64"/"+61" turned into the national "0" prefix.
private func nationalDigits(_ typed: String) -> String {
    let digits = typed.filter(\.isNumber)
    if typed.hasPrefix("+64") || typed.hasPrefix("+61") { return "0" + digits.dropFirst(2) }
    return digits
}

/// Numbers are typed in varied formats, with NULL, empty, invalid, landline and AU ones; emails use example domains.
@Test func phoneNumbersAndEmailsLookTyped() throws {
    let sample = try makeSample(appointments: 4000)
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let (mobiles, smsNumbers, clientMobiles, emails, names) = try openSnapshot(sample.path).read { db throws in
        (
            try String?.fetchAll(db, sql: "SELECT mobile FROM contacts"),
            try String?.fetchAll(db, sql: "SELECT sms_number FROM contacts"),
            try String?.fetchAll(db, sql: "SELECT mobile FROM clients"),
            try String.fetchAll(db, sql: """
                SELECT email FROM contacts WHERE email IS NOT NULL UNION ALL
                SELECT email FROM clients WHERE email IS NOT NULL UNION ALL
                SELECT email FROM users WHERE email IS NOT NULL
                """),
            try String.fetchAll(db, sql: "SELECT name FROM contacts UNION ALL SELECT name FROM clients")
        )
    }
    let all = mobiles + smsNumbers + clientMobiles
    let typed = all.compactMap { $0 }
    func isNZMobile(_ s: String) -> Bool {
        let d = nationalDigits(s)
        return d.count == 10 && ["021", "022", "027", "029"].contains(String(d.prefix(3)))
    }
    func isAUMobile(_ s: String) -> Bool { let d = nationalDigits(s); return d.count == 10 && d.hasPrefix("04") }
    func isLandline(_ s: String) -> Bool {
        let d = nationalDigits(s)
        return d.count == 9 && ["03", "04", "06", "07", "09"].contains(String(d.prefix(2)))
    }
    #expect(mobiles.contains(nil))
    #expect(smsNumbers.contains(nil))
    #expect(clientMobiles.contains(nil))
    #expect(typed.contains(""))
    // Invalid: letters or too few digits.
    #expect(typed.contains { !$0.isEmpty && ($0.contains { $0.isLetter } || nationalDigits($0).count < 9) })
    #expect(typed.contains(where: isAUMobile))
    #expect(typed.contains(where: isLandline))
    let contactMobiles = mobiles.compactMap { $0 }
    let nzShare = Double(contactMobiles.filter(isNZMobile).count) / Double(mobiles.count)
    #expect(nzShare > 0.7 && nzShare < 0.9)
    // Varied formats of NZ mobiles.
    let nz = typed.filter(isNZMobile)
    #expect(nz.contains { $0.hasPrefix("+64 ") })
    #expect(nz.contains { $0.hasPrefix("(02") })
    #expect(nz.contains { $0.allSatisfy(\.isNumber) })
    #expect(nz.contains { $0.hasPrefix("02") && $0.contains(" ") })
    // sms_number is mostly a copy of mobile.
    let copies = zip(mobiles, smsNumbers).filter { $0.0 != nil && $0.0 == $0.1 }.count
    #expect(Double(copies) / Double(mobiles.count) > 0.6)
    // Only reserved example domains.
    let domains = Set(emails.map { String($0[$0.index(after: $0.lastIndex(of: "@")!)...]) })
    #expect(domains.isSubset(of: ["example.com", "example.co.nz", "example.net.au", "example.org"]))
    #expect(emails.allSatisfy { $0.allSatisfy(\.isASCII) && !$0.contains(" ") })
    // Some Māori names with macrons.
    #expect(names.contains { $0.contains { "āēīōū".contains($0) } })
}

/// On 20,000 appointments the flag and NULL rates are close to those documented.
@Test func proportionsAreRoughlyAsDocumented() throws {
    let sample = try makeSample(appointments: 20000, days: 14)
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    #expect(sample.summary.clients == 1000)
    #expect(sample.summary.jobs == 5000)
    try openSnapshot(sample.path).read { db throws in
        func ratio(_ sql: String) throws -> Double { try Double.fetchOne(db, sql: sql) ?? -1 }
        #expect((0.55...0.65).contains(try ratio("SELECT avg(sms_reminders) FROM clients")))
        #expect((0.76...0.84).contains(try ratio("SELECT avg(sms_reminder IS NULL) FROM appointments")))
        #expect((0.08...0.12).contains(try ratio("SELECT avg(sms_reminder IS 1) FROM appointments")))
        #expect((0.08...0.12).contains(try ratio("SELECT avg(sms_reminder IS 0) FROM appointments")))
        #expect((0.04...0.06).contains(try ratio("SELECT avg(contact_is_client) FROM appointments")))
        #expect((0.09...0.15).contains(try ratio("SELECT avg(contact_id IS NOT NULL) FROM appointments")))
        #expect((0.02...0.05).contains(try ratio("SELECT avg(cancelled) FROM appointments")))
        #expect((0.2...0.3).contains(try ratio("SELECT avg(contact_id IS NULL) FROM jobs")))
        #expect((0.6...0.8).contains(try ratio("SELECT avg(contact_id IS NULL) FROM tasks")))
        #expect((0.08...0.25).contains(try ratio("SELECT avg(length(title) >= 60) FROM jobs")))
        #expect((1.7...2.0).contains(try ratio("SELECT count(*) * 1.0 / (SELECT count(*) FROM clients) FROM contacts")))
        // Weekends are quieter. For starts at 07:00–18:00 NZDT/NZST, UTC + 12 h falls on the local date.
        func onWeekday(_ weekday: Int) throws -> Int {
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM appointments WHERE strftime('%w', starts_at, '+12 hours') = '\(weekday)'
                """) ?? 0
        }
        let sundays = try onWeekday(0), tuesdays = try onWeekday(2)
        #expect(sundays > 0 && sundays * 3 < tuesdays)
    }
}

/// An existing file is never overwritten, and the error names its path.
@Test func refusesToOverwriteAndNamesThePath() throws {
    let sample = try makeSample(appointments: 50)
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    let before = try dump(sample.path)
    let options = SampleSnapshot(appointments: 80, firstDay: "2025-03-25", seed: 3)
    #expect(throws: SampleSnapshotError.fileExists(path: sample.path)) { try options.write(to: sample.path) }
    #expect(try dump(sample.path) == before)
    #expect(SampleSnapshotError.fileExists(path: sample.path).description.contains(sample.path))
    // Any existing file, SQLite or not, is left alone.
    let other = sample.folder.appendingPathComponent("notes.txt").path
    try Data("keep me".utf8).write(to: URL(fileURLWithPath: other))
    #expect(throws: SampleSnapshotError.fileExists(path: other)) { try options.write(to: other) }
    #expect(try String(contentsOfFile: other, encoding: .utf8) == "keep me")
}

/// Malformed options and unwritable paths throw, leaving no file behind.
@Test func rejectsBadOptionsWithoutCreatingAFile() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("bad.sqlite").path
    let bad = [
        SampleSnapshot(appointments: 10, firstDay: "2025-02-30"),
        SampleSnapshot(appointments: 10, firstDay: "25-03-01"),
        SampleSnapshot(appointments: 10, firstDay: "2025-03-01", days: 0),
        SampleSnapshot(appointments: -1, firstDay: "2025-03-01"),
    ]
    for options in bad {
        #expect(throws: SampleSnapshotError.self) { try options.write(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
    let missing = folder.appendingPathComponent("no/such/folder/x.sqlite").path
    #expect(throws: SampleSnapshotError.self) {
        try SampleSnapshot(appointments: 10, firstDay: "2025-03-01").write(to: missing)
    }
}

/// Tiny snapshots (0, 1, 2, 7 appointments on one day) are complete and consistent.
@Test(arguments: [0, 1, 2, 7])
func tinySnapshotsAreComplete(appointments: Int) throws {
    let sample = try makeSample(appointments: appointments, days: 1)
    defer { try? FileManager.default.removeItem(at: sample.folder) }
    #expect(sample.summary.appointments == appointments)
    #expect(sample.summary.clients == 5)
    #expect(sample.summary.users == 3)
    #expect(sample.summary.jobs == (appointments == 0 ? 0 : max(1, appointments / 4)))
    try openSnapshot(sample.path).read { db throws in
        #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM appointments") == appointments)
        #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        // With one day, everything is on that (local) day.
        #expect(try Int.fetchOne(db, sql: """
            SELECT count(*) FROM appointments
            WHERE starts_at < '2025-03-24T11:00:00Z' OR starts_at >= '2025-03-25T11:00:00Z'
            """) == 0)
    }
}

/// Rows of `tables` (every column, in rowid order), as text.
private func rows(_ path: String, _ tables: [String]) throws -> String {
    try openSnapshot(path).read { db throws in
        try tables.flatMap { table in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" } }
            .joined(separator: "\n")
    }
}

/// `later` changes only the packs' moving tables, each kind of change at least once.
@Test func laterChangesOnlyThePacksTablesAndEveryKindOfChangeHappens() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let plain = folder.appendingPathComponent("plain.sqlite").path, later = folder.appendingPathComponent("later.sqlite").path
    let summary = try SampleSnapshot(appointments: 500, firstDay: "2025-03-25", later: false).write(to: plain)
    let laterSummary = try SampleSnapshot(appointments: 500, firstDay: "2025-03-25", later: true).write(to: later)
    #expect(summary.packs == SamplePacks.Counts(serviceJobs: 25, tickets: 12, dispatches: 12))
    #expect(laterSummary.packs.tickets == 18, "six tickets opened, one from each source")
    let same = ["clients", "contacts", "users", "jobs", "tasks", "appointments", "service_providers", "alarm_companies",
                "locations", "subscriptions", "affiliates", "employees"]
    #expect(try rows(plain, same) == rows(later, same))
    #expect(try rows(plain, same).count > 10_000)
    let moving = ["service_jobs", "tickets", "ticket_recipients", "dispatches"]
    #expect(try rows(plain, moving) != rows(later, moving))
    #expect(try rows(plain, moving) == rows(plain, moving))
    let queue = try DatabaseQueue()
    let kinds = try queue.inDatabase { db throws -> [String: Int] in
        try db.execute(sql: "ATTACH DATABASE ? AS a; ATTACH DATABASE ? AS b", arguments: [plain, later])
        let checks = [
            "dispatched": "a.service_jobs x JOIN b.service_jobs y USING (id) WHERE x.dispatched_at IS NULL AND y.dispatched_at IS NOT NULL",
            "completed": "a.service_jobs x JOIN b.service_jobs y USING (id) WHERE x.status = 'In Progress' AND y.status = 'Completed'",
            "invoiced": "a.service_jobs x JOIN b.service_jobs y USING (id) WHERE x.invoice_number IS NULL AND y.invoice_number IS NOT NULL",
            "updated": "a.service_jobs x JOIN b.service_jobs y USING (id) WHERE x.status = y.status AND x.outcome IS NOT y.outcome",
            "deferred changed": "a.service_jobs x JOIN b.service_jobs y USING (id) WHERE x.deferred = 1 AND x.id IS NOT NULL AND (x.dispatched_at IS NOT y.dispatched_at OR x.status <> y.status OR x.outcome IS NOT y.outcome)",
            "closed": "a.tickets x JOIN b.tickets y USING (id) WHERE x.status <> 'Completed' AND y.status = 'Completed'",
            "reopened": "a.tickets x JOIN b.tickets y USING (id) WHERE x.status = 'Completed' AND y.status = 'New'",
            "assigned": "a.dispatches x JOIN b.dispatches y USING (id) WHERE x.affiliate_id IS NULL AND y.affiliate_id IS NOT NULL",
            "reassigned": "a.dispatches x JOIN b.dispatches y USING (id) WHERE x.affiliate_id <> y.affiliate_id",
            "moved": "a.dispatches x JOIN b.dispatches y USING (id) WHERE x.pickup_at <> y.pickup_at",
            "cancelled": "a.dispatches x JOIN b.dispatches y USING (id) WHERE x.status = 'Scheduled' AND y.status = 'Cancelled'",
        ]
        return try checks.mapValues { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? -1 }
    }
    for (kind, count) in kinds {
        #expect(kind == "deferred changed" ? count == 0 : count >= 1, "\(kind): \(count)")
    }
}
