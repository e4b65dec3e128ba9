import CrierCore
import CrierSQLite
import Dispatch
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Options for generating a realistic sample snapshot (the `crier sample` command, the demo and the benchmarks).
///
/// `write(to:)` creates a new SQLite file with exactly ``SnapshotSchema/sql`` and fills it, streaming
/// row by row (memory stays flat at any size). The same options always give the same table contents:
/// every value comes from a seeded SplitMix64 generator and from the options, never from the clock.
///
/// Proportions (`n` = `appointments`; all "%" are of the rows of that table, approximately):
/// - users (technicians): `min(40, max(3, n / 10))`.
/// - clients: `max(5, n / 20)`; ~55% companies ("Harbour Plumbing Ltd"), ~45% people ("Mere Te Whata");
///   `sms_reminders` = 1 for ~60%; `mobile`: ~56% NZ mobile, 3% AU mobile, 12% NZ landline,
///   22% NULL, 4% empty, 3% garbage; `email` for ~75%.
/// - contacts: 1–3 per client (mean ≈ 1.85); a person client's first contact is that person.
///   `mobile`: ~78% NZ mobile (formats "021 123 4567", "0274567890", "+64 21 555 0199",
///   "(022) 123-4567", ...), 5% AU mobile ("+61 412 345 678", "0412 345 678"), 5% NZ landline
///   ("09 123 4567", not textable), 6% NULL, 2% empty, 4% garbage ("n/a", "021 12", ...);
///   `sms_number` = `mobile` for ~78%, NULL for ~14%, another NZ mobile for ~8%; `phone` is a landline
///   for ~45%; ~95% active.
/// - jobs: `n / 4` (at least 1 when `n` > 0); `contact_id` NULL for ~25%; status ~94% Open,
///   5% Completed, 1% Cancelled; titles from 10 to 130 characters (about one in seven is 60+).
/// - tasks: 1–2 per job (mean ≈ 1.45); `contact_id` set for ~30%.
/// - appointments: exactly `n`, 0 to ~12 per job (mean 4); spread over `days` days from `firstDay`
///   (weekdays 10×, Saturdays 4×, Sundays 1× as likely when `days` ≥ 7; follow-ups falling on a weekend
///   mostly move to Monday); start on a quarter hour,
///   local 07:00–17:30, 30 min – 4 h, ending by 18:00, in `timeZone` (DST-safe), stored as UTC text.
///   ~30% of a job's later visits fall on the same day as the one before (a second technician, or
///   morning then afternoon), so "one reminder per job per day" is exercised.
///   `contact_id` set for ~12%, `contact_is_client` = 1 for ~5%, `sms_reminder` NULL ~80%, 1 ~10%,
///   0 ~10%; ~3.5% cancelled (2.5% alone plus those of cancelled jobs); `user_id` NULL for ~3%.
/// - Emails use only reserved example domains (example.com, example.co.nz, example.net.au, example.org).
/// - The example packs' tables (Smart, RangerMSP, AngelTrack) are filled after these, from a
///   random stream of their own, so the tables above are the same whatever they hold: see
///   ``SamplePacks``. `later` writes them as they are a little later (the change schedules notify).
package struct SampleSnapshot: Sendable {
    /// How many appointments to generate (exactly); the other tables scale from it.
    package var appointments: Int
    /// The first day of the appointments, "YYYY-MM-DD", a local date in `timeZone`.
    package var firstDay: String
    /// How many days, from `firstDay`, the appointments span (1...3660).
    package var days: Int
    /// The business's time zone: appointments are booked in its local business hours.
    package var timeZone: TimeZone
    /// The seed of the pseudo-random generator; the same options give the same contents.
    package var seed: UInt64
    /// Whether the packs' tables are written as they are a little later (see ``SamplePacks``).
    package var later: Bool

    /// Pacific/Auckland (the default business time zone).
    package static let defaultTimeZone: TimeZone =
        TimeZone(identifier: "Pacific/Auckland") ?? TimeZone(secondsFromGMT: 12 * 3600)!

    /// Creates options; only `appointments` and `firstDay` are required.
    package init(
        appointments: Int,
        firstDay: String,
        days: Int = 28,
        timeZone: TimeZone = SampleSnapshot.defaultTimeZone,
        seed: UInt64 = 1,
        later: Bool = false
    ) {
        self.appointments = appointments
        self.firstDay = firstDay
        self.days = days
        self.timeZone = timeZone
        self.seed = seed
        self.later = later
    }

    /// Row counts of a written snapshot, and how long writing it took.
    package struct Summary: Sendable, Equatable {
        /// Rows in `clients`.
        package var clients: Int
        /// Rows in `contacts`.
        package var contacts: Int
        /// Rows in `jobs`.
        package var jobs: Int
        /// Rows in `tasks`.
        package var tasks: Int
        /// Rows in `appointments`.
        package var appointments: Int
        /// Rows in `users`.
        package var users: Int
        /// Rows in `service_jobs`, `tickets` and `dispatches`.
        package var packs = SamplePacks.Counts()
        /// Wall time of `write(to:)`, in seconds (monotonic clock).
        package var seconds: Double
    }

    /// Creates a NEW snapshot file at `path`, executes ``SnapshotSchema/sql``, fills it and returns the counts.
    ///
    /// Throws ``SampleSnapshotError/fileExists(path:)`` if anything exists at `path` (never overwrites),
    /// ``SampleSnapshotError/invalidOption(_:)`` for bad options (before touching the disk).
    /// If filling fails, the partial file is removed. The result is a single self-contained file
    /// in rollback-journal (`DELETE`) mode, with exactly the schema's tables and indexes.
    package func write(to path: String) throws -> Summary {
        let start = DispatchTime.now().uptimeNanoseconds
        let plan = try SamplePlan(self)
        for sidecar in [path + "-journal", path + "-wal"] where FileManager.default.fileExists(atPath: sidecar) {
            throw SampleSnapshotError.fileExists(path: sidecar)
        }
        try Self.createNewFile(at: path)
        var finished = false
        defer {
            if !finished { try? FileManager.default.removeItem(atPath: path) }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // rows are inserted parents first; checked by tests
        configuration.label = "crier.sample"
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        var filler = SampleFiller(plan: plan)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -131072")  // 128 MiB, for building the indexes
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try db.execute(sql: SnapshotSchema.sql)
            // Build the schema's explicit indexes after the fill (faster), from their exact stored text,
            // so that sqlite_master ends up with the same objects and SQL as a fresh database.
            let indexes = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid")
            for index in indexes {
                let name: String = index["name"]
                try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
            }
            try db.inTransaction {
                try filler.fill(db)
                return .commit
            }
            for index in indexes {
                let sql: String = index["sql"]
                try db.execute(sql: sql)
            }
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try queue.close()
        finished = true
        var summary = filler.counts
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    /// Creates an empty file at `path`, atomically refusing if anything is already there.
    private static func createNewFile(at path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw SampleSnapshotError.fileExists(path: path) }
            throw SampleSnapshotError.cannotCreate(path: path, reason: String(cString: strerror(code)))
        }
        close(fd)
    }
}

/// Why `SampleSnapshot.write(to:)` did not make a snapshot.
package enum SampleSnapshotError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Something already exists at the path; the generator never overwrites (delete it first, as `--force` does).
    case fileExists(path: String)
    /// The file could not be created (missing folder, no permission, ...).
    case cannotCreate(path: String, reason: String)
    /// An option is malformed or out of range.
    case invalidOption(String)

    /// A message for people, naming the path or the option.
    package var description: String {
        switch self {
        case .fileExists(let path):
            return "refusing to overwrite existing file '\(path)' (delete it first, or use --force)"
        case .cannotCreate(let path, let reason):
            return "cannot create '\(path)': \(reason)"
        case .invalidOption(let message):
            return "invalid sample option: \(message)"
        }
    }

    /// Same as `description`, for `localizedDescription`.
    package var errorDescription: String? { description }
}

// MARK: - Plan

/// Everything derived from the options before any row is written: counts, day pool and the UTC instant of every slot.
struct SamplePlan: Sendable {
    /// Options as given.
    let options: SampleSnapshot
    /// Number of clients to write.
    let clientCount: Int
    /// Number of jobs to write.
    let jobCount: Int
    /// Number of users (technicians) to write.
    let userCount: Int
    /// Local slot instants for each day.
    let slots: LocalSlots
    /// Day offsets weighted by weekday (weekdays appear 10 times, Saturdays 4, Sundays 1; all once if `days` < 7).
    let dayPool: [Int32]
    /// Days from 1970-01-01 to `firstDay`.
    let firstDayNumber: Int64

    /// Validates the options and derives the plan (throws `invalidOption`).
    init(_ options: SampleSnapshot) throws {
        guard options.appointments >= 0 else {
            throw SampleSnapshotError.invalidOption("appointments must be >= 0 (got \(options.appointments))")
        }
        guard (1...3660).contains(options.days) else {
            throw SampleSnapshotError.invalidOption("days must be between 1 and 3660 (got \(options.days))")
        }
        guard let first = LocalDate(parsing: options.firstDay), (1900...9000).contains(first.year) else {
            throw SampleSnapshotError.invalidOption("firstDay must be a date 'YYYY-MM-DD' (got '\(options.firstDay)')")
        }
        let n = options.appointments
        self.options = options
        self.clientCount = max(5, n / 20)
        self.jobCount = n == 0 ? 0 : max(1, n / 4)
        self.userCount = min(40, max(3, n / 10))
        self.slots = LocalSlots(firstDay: first, days: options.days, timeZone: options.timeZone)
        self.firstDayNumber = Int64(first.daysSinceEpoch)
        var pool: [Int32] = []
        for day in 0..<options.days {
            let weekday = Self.weekday(firstDayNumber + Int64(day))
            let weight = options.days < 7 ? 1 : (weekday == 6 ? 1 : weekday == 5 ? 4 : 10)
            pool.append(contentsOf: repeatElement(Int32(day), count: weight))
        }
        self.dayPool = pool
    }

    /// Weekday of a day number: 0 = Monday ... 5 = Saturday, 6 = Sunday (1970-01-01 was a Thursday).
    static func weekday(_ dayNumber: Int64) -> Int { Int(((dayNumber % 7) + 7 + 3) % 7) }

    /// Weekday (0 = Monday ... 6 = Sunday) of day offset `day` from `firstDay`.
    func weekday(ofDay day: Int) -> Int { Self.weekday(firstDayNumber + Int64(day)) }
}

/// Formats Unix seconds as the snapshot's UTC text, "YYYY-MM-DDTHH:MM:SSZ" (years 0...9999).
func utcText(_ seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = Int(seconds - days * 86_400)
    let date = LocalDate(daysSinceEpoch: Int(days))
    var bytes = [UInt8](repeating: 0, count: 20)
    func put(_ value: Int, _ at: Int, _ width: Int) {
        var value = value
        for index in stride(from: at + width - 1, through: at, by: -1) {
            bytes[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }
    put(date.year, 0, 4)
    bytes[4] = UInt8(ascii: "-")
    put(date.month, 5, 2)
    bytes[7] = UInt8(ascii: "-")
    put(date.day, 8, 2)
    bytes[10] = UInt8(ascii: "T")
    put(secondOfDay / 3600, 11, 2)
    bytes[13] = UInt8(ascii: ":")
    put(secondOfDay / 60 % 60, 14, 2)
    bytes[16] = UInt8(ascii: ":")
    put(secondOfDay % 60, 17, 2)
    bytes[19] = UInt8(ascii: "Z")
    return String(decoding: bytes, as: UTF8.self)
}

/// The UTC instant (Unix seconds) of every bookable quarter hour, 07:00...18:00 local, of each day.
struct LocalSlots: Sendable {
    /// First bookable quarter hour of a day: 07:00 (minutes / 15).
    static let firstQuarter = 28
    /// Last quarter hour of the business day: 18:00 (appointments end by then).
    static let lastQuarter = 72
    /// Slots per day (07:00, 07:15, ..., 18:00).
    static let perDay = lastQuarter - firstQuarter + 1
    /// Unix seconds, `perDay` per day, day-major.
    private let instants: [Int64]

    /// Converts each local slot to UTC with the zone's rules (so days on either side of a DST change are right).
    init(firstDay: LocalDate, days: Int, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func instant(_ date: LocalDate, _ quarter: Int) -> Int64 {
            let components = DateComponents(
                year: date.year, month: date.month, day: date.day, hour: quarter / 4, minute: quarter % 4 * 15)
            // A Gregorian calendar date with a time always resolves (times in a DST gap move forward).
            let converted = calendar.date(from: components)!
            return Int64(converted.timeIntervalSince1970.rounded())
        }
        var instants: [Int64] = []
        instants.reserveCapacity(days * Self.perDay)
        let start = firstDay.daysSinceEpoch
        for day in 0..<days {
            let date = LocalDate(daysSinceEpoch: start + day)
            let open = instant(date, Self.firstQuarter)
            let close = instant(date, Self.lastQuarter)
            if close - open == Int64((Self.lastQuarter - Self.firstQuarter) * 900) {
                // No offset change during business hours: the slots are evenly spaced.
                for slot in 0..<Self.perDay { instants.append(open + Int64(slot * 900)) }
            } else {
                for slot in 0..<Self.perDay { instants.append(instant(date, Self.firstQuarter + slot)) }
            }
        }
        self.instants = instants
    }

    /// The UTC instant of local `quarter` (minutes / 15, 28...72) on day `day` (0-based from firstDay).
    func instant(day: Int, quarter: Int) -> Int64 {
        instants[day * Self.perDay + quarter - Self.firstQuarter]
    }
}

// MARK: - Random numbers

/// SplitMix64: a tiny, fast, seedable generator whose output never depends on the Swift version or platform.
struct SplitMix64: Sendable {
    /// Internal state.
    private var state: UInt64

    /// A generator started from `seed` (any value, 0 included).
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0), by multiply-shift.
    mutating func below(_ bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// True with probability `permille` / 1000.
    mutating func permille(_ permille: Int) -> Bool { below(1000) < permille }

    /// A double in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A random element of a non-empty array.
    mutating func pick<T>(_ elements: [T]) -> T { elements[below(elements.count)] }
}

// MARK: - Filling

/// Generates and inserts every row, in order (users, clients with their contacts, then each job with its tasks and appointments).
struct SampleFiller {
    /// What to generate.
    let plan: SamplePlan
    /// Rows written so far (`seconds` is set by the caller).
    var counts = SampleSnapshot.Summary(clients: 0, contacts: 0, jobs: 0, tasks: 0, appointments: 0, users: 0, seconds: 0)
    /// The random stream; every value comes from here, in a fixed order.
    private var rng: SplitMix64
    /// First contact id of each client (index = client id - 1).
    private var contactFirst: [Int32] = []
    /// Number of contacts of each client (index = client id - 1).
    private var contactCount: [UInt8] = []

    /// A filler for `plan`, seeded from its options.
    init(plan: SamplePlan) {
        self.plan = plan
        self.rng = SplitMix64(seed: plan.options.seed)
    }

    /// Inserts all rows; call inside a transaction.
    mutating func fill(_ db: Database) throws {
        try insertUsers(db)
        try insertClientsAndContacts(db)
        try insertJobs(db)
        var packs = SamplePacks(plan: plan, later: plan.options.later)
        try packs.fill(db)
        counts.packs = packs.counts
    }

    private mutating func insertUsers(_ db: Database) throws {
        let statement = try db.makeStatement(sql: "INSERT INTO users (id, name, email) VALUES (?, ?, ?)")
        for id in 1...plan.userCount {
            let first = rng.pick(Names.first)
            let last = rng.pick(Names.last)
            let email: String? = rng.permille(900) ? "\(first.slug).\(last.slug)@example.com" : nil
            try statement.execute(arguments: [id, "\(first.text) \(last.text)", email])
        }
        counts.users = plan.userCount
    }

    private mutating func insertClientsAndContacts(_ db: Database) throws {
        let clientStatement = try db.makeStatement(
            sql: "INSERT INTO clients (id, name, mobile, email, sms_reminders) VALUES (?, ?, ?, ?, ?)")
        let contactStatement = try db.makeStatement(sql: """
            INSERT INTO contacts (id, client_id, name, phone, mobile, sms_number, email, active) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        contactFirst.reserveCapacity(plan.clientCount)
        contactCount.reserveCapacity(plan.clientCount)
        var contactID = 0
        for clientID in 1...plan.clientCount {
            let person = (rng.pick(Names.first), rng.pick(Names.last))
            let isCompany = rng.permille(550)
            let name: String
            var email: String?
            let mobile = Phones.clientMobile(&rng)
            if isCompany {
                let company = Names.company(&rng)
                name = company.text
                let mailbox = rng.pick(["office", "accounts", "info", "admin", "bookings"])
                email = "\(mailbox).\(company.slug)@\(rng.pick(Names.domains))"
            } else {
                name = "\(person.0.text) \(person.1.text)"
                email = "\(person.0.slug).\(person.1.slug)@\(rng.pick(Names.domains))"
            }
            if !rng.permille(750) { email = nil }
            try clientStatement.execute(arguments: [clientID, name, mobile, email, rng.permille(600) ? 1 : 0])

            let contacts = 1 + (rng.permille(600) ? 1 : 0) + (rng.permille(250) ? 1 : 0)
            contactFirst.append(Int32(contactID + 1))
            contactCount.append(UInt8(contacts))
            for index in 0..<contacts {
                contactID += 1
                let samePerson = index == 0 && !isCompany
                let first = samePerson ? person.0 : rng.pick(Names.first)
                let last = samePerson ? person.1 : rng.pick(Names.last)
                let contactMobile = samePerson && rng.permille(700) ? mobile : Phones.contactMobile(&rng)
                let phone: String?
                switch rng.below(100) {
                case 0..<45: phone = Phones.nzLandline(&rng)
                case 45..<55: phone = Phones.nzMobile(&rng)
                default: phone = nil
                }
                let sms: String?
                switch rng.below(100) {
                case 0..<78: sms = contactMobile
                case 78..<92: sms = nil
                default: sms = Phones.nzMobile(&rng)
                }
                let contactEmail: String?
                switch rng.below(100) {
                case 0..<70: contactEmail = "\(first.slug).\(last.slug)@\(rng.pick(Names.domains))"
                case 70..<76: contactEmail = "\(first.slug).\(last.slug)\(rng.below(99) + 1)@\(rng.pick(Names.domains))"
                default: contactEmail = nil
                }
                try contactStatement.execute(arguments: [
                    contactID, clientID, "\(first.text) \(last.text)", phone, contactMobile, sms, contactEmail,
                    rng.permille(950) ? 1 : 0,
                ])
            }
        }
        counts.clients = plan.clientCount
        counts.contacts = contactID
    }

    /// A random contact id of a client.
    private mutating func contact(ofClient clientID: Int) -> Int {
        Int(contactFirst[clientID - 1]) + rng.below(Int(contactCount[clientID - 1]))
    }

    /// A random day offset, weighted by weekday.
    private mutating func randomDay() -> Int { Int(plan.dayPool[rng.below(plan.dayPool.count)]) }

    /// A duration in quarter hours (30 min ... 4 h), mostly 1–2 h.
    private mutating func duration() -> Int { rng.pick([2, 2, 3, 4, 4, 4, 4, 6, 6, 8, 8, 10, 12, 16]) }

    /// A technician id: the job's lead two times in three, else anyone, or nil (unassigned, 4%).
    private mutating func technician(lead: Int) -> Int? {
        switch rng.below(100) {
        case 0..<4: return nil
        case 4..<70: return lead
        default: return 1 + rng.below(plan.userCount)
        }
    }

    private mutating func insertJobs(_ db: Database) throws {
        guard plan.jobCount > 0 else { return }
        let jobStatement = try db.makeStatement(sql: """
            INSERT INTO jobs (id, code, client_id, contact_id, title, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let taskStatement = try db.makeStatement(
            sql: "INSERT INTO tasks (id, job_id, contact_id, title) VALUES (?, ?, ?, ?)")
        let appointmentStatement = try db.makeStatement(sql: """
            INSERT INTO appointments (id, task_id, user_id, contact_id, contact_is_client, starts_at, ends_at, \
            sms_reminder, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        // Appointments per job: a skewed spread with mean `remaining / jobsLeft`, so the total is exact.
        let spread: [Double] = [0, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 1, 1.25, 1.5, 2, 3]
        let codeDigits = max(6, String(plan.jobCount).count)
        let openingInstant = plan.slots.instant(day: 0, quarter: LocalSlots.firstQuarter)
        let commercialClients = max(1, plan.clientCount / 20)
        var remaining = plan.options.appointments
        var taskID = 0
        var appointmentID = 0
        for jobID in 1...plan.jobCount {
            let jobsLeft = plan.jobCount - jobID + 1
            var visits: Int
            if jobsLeft == 1 {
                visits = remaining
            } else {
                let mean = Double(remaining) / Double(jobsLeft)
                let weight = max(0, rng.pick(spread) + (rng.unit() - 0.5) * 0.25)  // smooth between steps
                visits = min(remaining, Int(mean * weight + rng.unit()))
            }
            if jobID == 1 { visits = min(remaining, max(visits, 2)) }  // guarantees a same-day pair
            remaining -= visits

            let clientID = rng.permille(250) ? 1 + rng.below(commercialClients) : 1 + rng.below(plan.clientCount)
            let jobContact: Int? = rng.permille(750) ? contact(ofClient: clientID) : nil
            let status: String
            switch rng.below(1000) {
            case 0..<940: status = "Open"
            case 940..<990: status = "Completed"
            default: status = "Cancelled"
            }
            let digits = String(jobID)
            let code = "J" + String(repeating: "0", count: max(0, codeDigits - digits.count)) + digits
            let createdAt = openingInstant - Int64(3600 * (1 + rng.below(24 * 120)) + rng.below(3600))
            try jobStatement.execute(arguments: [
                jobID, code, clientID, jobContact, JobTitles.make(&rng), status, utcText(createdAt),
            ])

            let taskCount = rng.permille(450) ? 2 : 1
            let firstTask = taskID + 1
            for _ in 0..<taskCount {
                taskID += 1
                let taskContact: Int? = rng.permille(300) ? contact(ofClient: clientID) : nil
                try taskStatement.execute(arguments: [taskID, jobID, taskContact, rng.pick(JobTitles.tasks)])
            }

            let lead = 1 + rng.below(plan.userCount)
            var previous: (day: Int, quarter: Int, length: Int, user: Int?, task: Int)?
            for visit in 0..<visits {
                var day: Int
                var quarter: Int
                var length: Int
                var user: Int?
                var task = firstTask + (taskCount == 2 && rng.permille(500) ? 1 : 0)
                let last = LocalSlots.lastQuarter
                if let p = previous, (jobID == 1 && visit == 1) || rng.permille(300) {
                    day = p.day
                    if rng.permille(400) || p.quarter + p.length + 2 > last {
                        // A second technician on the same visit.
                        (quarter, length, task) = (p.quarter, p.length, p.task)
                        user = plan.userCount > 1 ? 1 + (((p.user ?? lead) - 1 + 1 + rng.below(plan.userCount - 1)) % plan.userCount) : p.user
                    } else {
                        // Back later the same day (morning, then afternoon).
                        var earliest = p.quarter + p.length + rng.below(5)
                        if earliest + 2 > last { earliest = p.quarter + p.length }
                        length = min(duration(), last - earliest)
                        quarter = earliest + rng.below(min(8, last - length - earliest) + 1)
                        user = technician(lead: lead)
                    }
                } else {
                    if let p = previous {
                        day = p.day + rng.pick([1, 1, 2, 3, 7, 7, 14])
                        if plan.options.days >= 7 {
                            // Follow-ups avoid weekends as the day pool does: most move to Monday.
                            let weekday = plan.weekday(ofDay: day)
                            if weekday == 6 && rng.permille(900) { day += 1 }
                            if weekday == 5 && rng.permille(600) { day += 2 }
                        }
                        if day >= plan.options.days { day = randomDay() }
                    } else {
                        day = randomDay()
                    }
                    length = duration()
                    quarter = LocalSlots.firstQuarter + rng.below(last - length - LocalSlots.firstQuarter + 1)
                    if rng.permille(600) { quarter -= quarter % 2 }  // on the hour or half hour
                    user = technician(lead: lead)
                }
                appointmentID += 1
                let startsAt = plan.slots.instant(day: day, quarter: quarter)
                let contactChoice = rng.below(1000)
                let appointmentContact: Int? = contactChoice >= 50 && contactChoice < 170 ? contact(ofClient: clientID) : nil
                let reminderChoice = rng.below(100)
                let reminder: Int? = reminderChoice < 10 ? 1 : reminderChoice < 20 ? 0 : nil
                let cancelled = status == "Cancelled" || rng.permille(25)
                try appointmentStatement.execute(arguments: [
                    appointmentID, task, user, appointmentContact, contactChoice < 50 ? 1 : 0,
                    utcText(startsAt), utcText(startsAt + Int64(length * 900)), reminder, cancelled ? 1 : 0,
                ])
                previous = (day, quarter, length, user, task)
            }
        }
        counts.jobs = plan.jobCount
        counts.tasks = taskID
        counts.appointments = appointmentID
    }
}

// MARK: - Built-in word lists

/// A name as displayed, and its ASCII slug for email addresses ("Tāne" → "tane", "Te Whata" → "tewhata").
struct SampleName: Sendable {
    /// As displayed (may contain macrons, spaces, apostrophes).
    let text: String
    /// Lowercase ASCII letters only.
    let slug: String

    /// Derives the slug from the text.
    init(_ text: String) {
        self.text = text
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            switch scalar {
            case "ā": slug.append("a")
            case "ē": slug.append("e")
            case "ī": slug.append("i")
            case "ō": slug.append("o")
            case "ū": slug.append("u")
            case "ë", "é": slug.append("e")
            case "a"..."z", "0"..."9": slug.unicodeScalars.append(scalar)
            default: continue
            }
        }
        self.slug = slug
    }
}

/// Small built-in lists of NZ/AU-flavoured names, company parts and email domains.
enum Names {
    /// First names (Māori, Pākehā, Pasifika, Asian; with macrons).
    static let first: [SampleName] = [
        "Tāne", "Ngāire", "Mere", "Aroha", "Wiremu", "Hēmi", "Rāwiri", "Anahera", "Manaia", "Kiri", "Tama",
        "Mātiu", "Moana", "Nikau", "Ariana", "Hine", "Tūī", "Māka", "Jack", "Olivia", "Charlotte", "Oliver",
        "Liam", "Isla", "Amelia", "Noah", "Ava", "Lucas", "Mia", "Hunter", "Ruby", "Harper", "Lachlan",
        "Matilda", "Cooper", "Sienna", "Brooke", "Jayden", "Grace", "Sophie", "Hamish", "Fiona", "Bruce",
        "Sheila", "Darren", "Kylie", "Shane", "Tracey", "Priya", "Raj", "Mei", "Wei", "Sione", "Losa", "Talia",
        "Ioane", "Siosaia", "Zoë", "Chloé", "Bronwyn", "Craig", "Warren", "Aaliyah", "Jo", "Ana",
    ].map(SampleName.init)

    /// Last names (including "Te Whata", "O'Connor", "van der Berg").
    static let last: [SampleName] = [
        "Te Whata", "Ngata", "Parata", "Tipene", "Te Kanawa", "Tamihana", "Hōhepa", "Pōmare", "Kīngi", "Rangi",
        "Walker", "Smith", "Wilson", "Williams", "Brown", "Taylor", "Jones", "Thompson", "Anderson", "Campbell",
        "Stewart", "Robertson", "Kelly", "Murphy", "Harris", "Martin", "Clarke", "O'Connor", "McDonald", "Fraser",
        "MacKenzie", "van der Berg", "Lee", "Chen", "Wang", "Patel", "Singh", "Kumar", "Nguyen", "Tuilagi",
        "Fa'asalele", "Leota", "Tupou", "Cooper", "Bennett", "Hughes", "Gallagher", "Kowalski", "Ngāpō",
    ].map(SampleName.init)

    /// First words of company names.
    static let companyPlaces: [String] = [
        "Harbour", "Kauri", "Tasman", "Southern Cross", "Pōhutukawa", "Waitematā", "Rangitoto", "Kōwhai",
        "Mt Eden", "Ponsonby", "Remuera", "Coastal", "Bayside", "Summit", "Ōtāhuhu", "Takapuna", "Hutt Valley",
        "Canterbury", "Bondi", "Manly", "Fremantle", "Pacific", "Tōtara", "Mataī", "Rimu", "Ōtautahi",
        "Aotea", "Northshore", "Kāpiti", "Redwood",
    ]

    /// Trades and kinds of business.
    static let companyTrades: [String] = [
        "Plumbing", "Electrical", "Property Management", "Body Corporate", "Dental", "Motors", "Cafe",
        "Builders", "Roofing", "Heat Pumps", "Joinery", "Physio", "Vets", "Kindergarten", "Storage",
        "Engineering", "Landscaping", "Apartments", "Medical Centre", "Bakery", "Marae Trust", "Gym",
        "Early Learning Centre", "Rest Home", "Fish & Chips",
    ]

    /// Company suffixes ("" = none).
    static let companySuffixes: [String] = ["Ltd", "Ltd", "Ltd", "Limited", "& Sons", "Group", "Pty Ltd", "", ""]

    /// Reserved example domains (the only ones ever used in addresses).
    static let domains: [String] = [
        "example.co.nz", "example.co.nz", "example.co.nz", "example.com", "example.com", "example.net.au",
        "example.org",
    ]

    /// A company name such as "Harbour Plumbing Ltd" or "The Ngata Family Trust".
    static func company(_ rng: inout SplitMix64) -> SampleName {
        if rng.permille(80) {
            return SampleName("The \(rng.pick(last).text) Family Trust")
        }
        let suffix = rng.pick(companySuffixes)
        let base = "\(rng.pick(companyPlaces)) \(rng.pick(companyTrades))"
        return SampleName(suffix.isEmpty ? base : "\(base) \(suffix)")
    }
}

/// Phone numbers as people type them: many formats, some not textable, some garbage.
enum Phones {
    /// Typed non-numbers (invalid): placeholders, truncated numbers.
    static let garbage: [String] = [
        "n/a", "021 12", "TBC", "-", "none", "ask at reception", "0", "021 123 45", "same as above", "xxx",
    ]

    /// `count` random decimal digits (the first one 1...9 when `leadingNonZero`).
    private static func digits(_ rng: inout SplitMix64, _ count: Int, leadingNonZero: Bool = true) -> [Character] {
        (0..<count).map { index in
            let low = index == 0 && leadingNonZero ? 1 : 0
            return Character(String(low + rng.below(10 - low)))
        }
    }

    /// A valid NZ mobile (021/022/027/029 + 7 digits) in one of several typed formats.
    static func nzMobile(_ rng: inout SplitMix64) -> String {
        let prefixChoice = rng.below(100)
        let p = prefixChoice < 35 ? "21" : prefixChoice < 60 ? "22" : prefixChoice < 95 ? "27" : "29"
        let d = digits(&rng, 7)
        let abc = String(d[0..<3]), defg = String(d[3..<7]), all = String(d)
        switch rng.below(100) {
        case 0..<30: return "0\(p) \(abc) \(defg)"              // 021 123 4567
        case 30..<50: return "0\(p)\(all)"                      // 0211234567
        case 50..<65: return "+64 \(p) \(abc) \(defg)"          // +64 21 123 4567
        case 65..<73: return "(0\(p)) \(abc)-\(defg)"           // (021) 123-4567
        case 73..<80: return "0\(p)-\(abc)-\(defg)"             // 021-123-4567
        case 80..<90: return "+64\(p)\(all)"                    // +64211234567
        default: return "0\(p) \(String(d[0..<4])) \(String(d[4..<7]))"  // 021 1234 567
        }
    }

    /// A valid AU mobile (04xx xxx xxx) in one of several typed formats.
    static func auMobile(_ rng: inout SplitMix64) -> String {
        let d = digits(&rng, 8, leadingNonZero: false)
        let a = String(d[0..<2]), b = String(d[2..<5]), c = String(d[5..<8])
        switch rng.below(4) {
        case 0: return "+61 4\(a) \(b) \(c)"                    // +61 412 345 678
        case 1: return "04\(a) \(b) \(c)"                       // 0412 345 678
        case 2: return "04\(a)\(b)\(c)"                         // 0412345678
        default: return "+614\(a)\(b)\(c)"                      // +61412345678
        }
    }

    /// An NZ landline (not textable), e.g. "09 123 4567".
    static func nzLandline(_ rng: inout SplitMix64) -> String {
        let area = rng.pick(["9", "9", "9", "3", "3", "4", "6", "7"])
        let d = digits(&rng, 7)
        let abc = String(d[0..<3]), defg = String(d[3..<7])
        switch rng.below(4) {
        case 0: return "0\(area) \(abc) \(defg)"
        case 1: return "(0\(area)) \(abc) \(defg)"
        case 2: return "0\(area)-\(abc) \(defg)"
        default: return "0\(area)\(abc)\(defg)"
        }
    }

    /// A contact's mobile field: mostly NZ mobiles, some AU, landlines, NULL, empty and garbage.
    static func contactMobile(_ rng: inout SplitMix64) -> String? {
        switch rng.below(1000) {
        case 0..<780: return nzMobile(&rng)
        case 780..<830: return auMobile(&rng)
        case 830..<880: return nzLandline(&rng)
        case 880..<940: return nil
        case 940..<960: return ""
        default: return rng.pick(garbage)
        }
    }

    /// A client's own mobile field: more often NULL or a landline than a contact's.
    static func clientMobile(_ rng: inout SplitMix64) -> String? {
        switch rng.below(1000) {
        case 0..<560: return nzMobile(&rng)
        case 560..<590: return auMobile(&rng)
        case 590..<710: return nzLandline(&rng)
        case 710..<930: return nil
        case 930..<970: return ""
        default: return rng.pick(garbage)
        }
    }
}

/// Job and task titles, of varied length (some well over 60 characters, as real job titles can be).
enum JobTitles {
    /// Short and medium titles.
    static let common: [String] = [
        "Leaking tap", "Blocked drain", "Heat pump service", "Annual backflow test", "WOF inspection",
        "Replace hot water cylinder", "Fault finding – no power to garage", "Install EV charger",
        "Gutter clean", "Smoke alarm check", "Roof leak above kitchen", "Dishwasher install",
        "Quarterly fire panel test", "Tree removal", "Fence repair (storm damage)", "Rewire sleepout",
        "Heat pump not heating", "Shower mixer replacement", "Switchboard upgrade", "Lawn & garden tidy",
        "Spouting repair", "Check moisture in bathroom wall", "Replace 3 x LED downlights", "Toilet running",
        "Insulation top-up", "Service call", "Re-grout shower", "Burst pipe", "Kitchen reno – stage 2",
    ]

    /// Long titles (60+ characters).
    static let long: [String] = [
        "Install 3 x heat pumps at rear units — confirm access with body corporate manager first",
        "Replace hot water cylinder (180L, mains pressure) and upgrade tempering valve to code",
        "Investigate intermittent tripping of RCD on lighting circuit, tenant reports it at night",
        "Quarterly maintenance: filters, condensate drains, outdoor units (levels 1–4), sign off log book",
        "Healthy Homes assessment + remedial work: extractor fans, draught stopping, ground moisture barrier",
        "Replace \"smart\" meter box & relabel switchboard per inspector's notes (see photos on file)",
        "Leak under vanity in ensuite; owner away until Thursday, key in lockbox (code with office)",
        "Kōwhai Kindergarten – annual backflow preventer test and certificate for Auckland Council",
    ]

    /// Street names for site suffixes.
    private static let streets: [String] = [
        "Queen Street", "Ponsonby Road", "Karangahape Road", "Dominion Road", "Great South Road",
        "Tītīrangi Road", "Riddiford Street", "Colombo Street", "Kāinga Road", "Marine Parade",
    ]

    /// Task titles.
    static let tasks: [String] = [
        "Labour", "Quote", "Site visit", "Install", "Follow-up", "Parts & materials", "Commissioning",
        "Inspection", "Make good", "Compliance certificate", "Service", "Repair",
    ]

    /// A job title: usually a common one, sometimes a long one, sometimes with a site suffix.
    static func make(_ rng: inout SplitMix64) -> String {
        let base = rng.permille(150) ? rng.pick(long) : rng.pick(common)
        guard rng.permille(180) else { return base }
        let unit = rng.permille(400) ? "Unit \(1 + rng.below(12))\(rng.pick(["", "", "A", "B"])), " : ""
        return "\(base) — \(unit)\(1 + rng.below(250)) \(rng.pick(streets))"
    }
}
