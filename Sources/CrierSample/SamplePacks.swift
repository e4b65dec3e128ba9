import GRDB

/// Fills the example packs' tables (Smart service jobs, RangerMSP tickets, AngelTrack
/// dispatches) of a sample snapshot, after the appointment tables and from its own random
/// stream, so the appointment tables are the same with or without it.
///
/// `later` writes the same business a little later: dispatches assigned, moved, reassigned and
/// cancelled; tickets opened (by employees, the API, the email connector and the web interface),
/// closed and set back to New by hand; service jobs dispatched, completed, invoiced and updated.
/// Running crier over the plain sample, then over the later one, makes every change schedule
/// of the packs notify. Each kind of change happens to about one row in ten, and always to at
/// least one, so that a demo always shows every pack.
///
/// Sizes (`n` = appointments, each at most 20,000): service jobs `n / 20`, locations `n / 40`,
/// tickets and dispatches `n / 40` (at least 6 each); 4 providers, 3 alarm companies, 4
/// affiliates, 8 employees. Smart notifications: every customer with a location has 1 to 3, the
/// first has all six kinds; about one location in five has its own, half of them overriding the
/// customer's with "Don't notify"; each alarm company hears of completed jobs; each provider
/// gets its incomplete-job reminders by SMS (after 1 to 3 days, 1 to 3 times).
package struct SamplePacks {
    /// Counts of the main rows written.
    package struct Counts: Sendable, Equatable {
        /// Rows in `service_jobs`.
        package var serviceJobs = 0
        /// Rows in `tickets`.
        package var tickets = 0
        /// Rows in `dispatches`.
        package var dispatches = 0
    }

    let clientCount: Int
    /// Unix seconds of the first sample day's opening (07:00 local): times are spread around it.
    let opening: Int64
    let later: Bool
    /// The stream of every row of the plain snapshot, drawn the same way in both snapshots.
    private var rng: SplitMix64
    /// The stream of what changes later (whether and how), apart so that it never shifts `rng`.
    private var change: SplitMix64
    /// Whether each kind of change has happened yet (so that it happens at least once).
    private var done: Set<String> = []
    private(set) var counts = Counts()

    init(plan: SamplePlan, later: Bool) {
        clientCount = plan.clientCount
        opening = plan.slots.instant(day: 0, quarter: LocalSlots.firstQuarter)
        self.later = later
        rng = SplitMix64(seed: plan.options.seed ^ 0x5041_434B_5321)  // "PACKS!": apart from the appointments' stream
        change = SplitMix64(seed: plan.options.seed ^ 0x4C41_5445_5221)  // "LATER!"
        let n = plan.options.appointments
        sizes = (jobs: max(6, min(n / 20, 20_000)), locations: max(4, min(n / 40, 20_000)),
                 tickets: max(6, min(n / 40, 20_000)), dispatches: max(6, min(n / 40, 20_000)))
    }

    private let sizes: (jobs: Int, locations: Int, tickets: Int, dispatches: Int)

    /// Whether this row changes in the later snapshot: about one in ten, and the first that may
    /// and is `sure` to notify someone.
    private mutating func changes(_ kind: String, sure: Bool = true) -> Bool {
        let chosen = change.permille(100) || (sure && !done.contains(kind))
        guard later, chosen else { return false }
        done.insert(kind)
        return true
    }

    /// A quarter-hour instant `hours` hours (plus a random part of `spread` hours) from the opening.
    private func instant(hours: Int, spread: Int, _ random: inout SplitMix64) -> Int64 {
        opening + Int64(hours * 3600) + Int64(random.below(spread * 4) * 900)
    }

    private mutating func email(_ name: SampleName) -> String { "\(name.slug)@\(rng.pick(Names.domains))" }

    /// Inserts every pack row; call inside the sample's transaction.
    mutating func fill(_ db: Database) throws {
        try fillSmart(db)
        try fillRanger(db)
        try fillAngelTrack(db)
        if later { try openTickets(db) }
    }

    // MARK: Smart

    private static let serviceTypes = ["Alarm", "Alarm", "CCTV", "Access Control", "Fire", "Intercom"]
    private static let requests = [
        "Panel showing zone 4 fault", "Siren not sounding on test", "Replace backup battery", "Camera 3 offline",
        "Door reader rejecting cards", "Smoke detector beeping in hallway", "Annual inspection", "False alarms overnight",
        "Keypad unresponsive", "Add two users to the access system", "Intercom buzzes but no audio",
    ]
    private static let outcomes = [
        "Replaced battery, tested OK", "Reset panel, monitoring confirmed", "Replaced detector", "Awaiting parts",
        "Re-aimed camera and cleaned lens", "Programmed new cards", "Wiring fault found and repaired",
    ]
    private static let whens = ["dispatched", "completed", "invoiced", "updated_incomplete", "updated_complete", "incomplete"]

    private mutating func fillSmart(_ db: Database) throws {
        let providers = ["Northern Security Services", "Kauri Alarm Techs", "Southern Cross Fire", "Tōtara Electrical"]
        for (index, name) in providers.enumerated() {
            let sample = SampleName(name)
            // The last provider has no email and no mobile: "Notify Provider" sends it nothing.
            let last = index == providers.count - 1
            try db.execute(sql: "INSERT INTO service_providers VALUES (?, ?, ?, ?)", arguments: [
                index + 1, name, last ? nil : "jobs@\(sample.slug).example.co.nz", last ? nil : Phones.nzMobile(&rng)])
        }
        for (index, name) in ["Sentinel Monitoring", "Guardian Alarms", "Pacific Watch"].enumerated() {
            try db.execute(sql: "INSERT INTO alarm_companies VALUES (?, ?, ?)", arguments: [
                index + 1, name, "alerts@\(SampleName(name).slug).example.com"])
        }
        var subscriptions: [[(any DatabaseValueConvertible)?]] = []
        func subscribe(_ type: String, _ id: Int, _ when: String, via: String, address: String?, name: String,
                       notifyProvider: Bool = false, dontNotify: Bool = false, serviceType: String? = nil,
                       remind: (Int, Int) = (1, 1)) {
            subscriptions.append([type, id, serviceType, when, via, address, name, notifyProvider ? 1 : 0,
                                  dontNotify ? 1 : 0, remind.0, remind.1])
        }
        var customers: [Int] = []
        for id in 1...sizes.locations {
            let client = id == 1 ? 1 : 1 + rng.below(clientCount)
            let street = "\(1 + rng.below(400)) \(rng.pick(["Queen", "Victoria", "Jervois", "Rata", "Kāinga", "Marine"])) "
                + rng.pick(["Street", "Road", "Parade"])
            try db.execute(sql: "INSERT INTO locations VALUES (?, ?, ?, ?, ?)", arguments: [
                id, client, "\(rng.pick(Names.companyPlaces)) \(rng.pick(["site", "office", "depot", "store", "clinic"]))",
                street, rng.permille(800) ? 1 + rng.below(3) : nil])
            if !customers.contains(client) { customers.append(client) }
            if id > 1, rng.permille(200) {
                let owner = SampleName("\(rng.pick(Names.first).text) \(rng.pick(Names.last).text)")
                let when = rng.pick(Self.whens)
                if rng.permille(500) { subscribe("location", id, when, via: "Text Email", address: nil, name: "", dontNotify: true) }
                let sms = rng.permille(300)
                subscribe("location", id, when, via: sms ? "SMS" : "Text Email",
                          address: sms ? Phones.nzMobile(&rng) : email(owner), name: owner.text)
            }
        }
        for client in customers {
            // The first customer hears of everything at its first location (where the first jobs are),
            // through each Via in turn; the others choose at random.
            let first = client == 1
            let whens = first ? Self.whens : (0..<(1 + rng.below(3))).map { _ in rng.pick(Self.whens) }
            for (index, when) in whens.enumerated() {
                let via = first ? ["Text Email", "PDF Email", "SMS"][index % 3] : rng.pick(["SMS", "Text Email", "Text Email", "PDF Email"])
                subscribe("customer", client, when, via: via,
                          address: via == "SMS" ? Phones.nzMobile(&rng) : "office\(client)@\(rng.pick(Names.domains))",
                          name: "Office", notifyProvider: !first && rng.permille(150),
                          serviceType: !first && rng.permille(250) ? rng.pick(Self.serviceTypes) : nil,
                          remind: (1 + rng.below(3), 1 + rng.below(3)))
            }
        }
        for company in 1...3 {
            subscribe("alarm_company", company, "completed", via: "Text Email", address: "alerts@company\(company).example.com",
                      name: "Monitoring desk", serviceType: "Alarm")
        }
        for provider in 1...providers.count {
            subscribe("provider", provider, "incomplete", via: "SMS", address: Phones.nzMobile(&rng), name: "Dispatcher",
                      remind: (1 + rng.below(3), 1 + rng.below(3)))
        }
        let subscription = try db.makeStatement(sql: """
            INSERT INTO subscriptions (subscriber_type, subscriber_id, service_type, notify_when, via, address, recipient_name, \
            notify_provider, dont_notify, remind_after_days, remind_times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in subscriptions { try subscription.execute(arguments: StatementArguments(row)) }

        let job = try db.makeStatement(sql: """
            INSERT INTO service_jobs (id, code, location_id, provider_id, service_type, status, deferred, docket_number, \
            initial_request, outcome, technician, dispatched_at, on_site_at, off_site_at, invoice_number) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for id in 1...sizes.jobs {
            let location = id <= 6 ? 1 : 1 + rng.below(sizes.locations)
            let deferred = rng.permille(50)
            var status = rng.permille(600) ? "In Progress" : rng.permille(900) ? "Completed" : "Cancelled"
            var dispatched: Int64? = rng.permille(800) ? instant(hours: -12 * 24, spread: 14 * 24, &rng) : nil
            var onSite: Int64? = dispatched.flatMap { rng.permille(600) ? $0 + Int64(900 * (2 + rng.below(16))) : nil }
            var offSite: Int64? = onSite.flatMap { status != "In Progress" || rng.permille(300) ? $0 + Int64(900 * (2 + rng.below(12))) : nil }
            var outcome: String? = offSite == nil ? nil : rng.pick(Self.outcomes)
            var docket: String? = offSite == nil ? nil : "D\(10_000 + id)"
            var invoice: String? = status == "Completed" && rng.permille(500) ? "INV-\(5000 + id)" : nil
            let sure = location == 1  // the first customer hears of every change there
            if deferred {
                // A deferred job never notifies: it does not change.
            } else if dispatched == nil, changes("dispatched", sure: sure) {
                dispatched = instant(hours: 3 * 24, spread: 6, &change)
            } else if status == "In Progress", dispatched != nil, changes("completed", sure: sure) {
                status = "Completed"
                onSite = onSite ?? dispatched! + 3600
                offSite = onSite! + 5400
                outcome = change.pick(Self.outcomes)
                docket = "D\(10_000 + id)"
            } else if status == "Completed", invoice == nil, changes("invoiced", sure: sure) {
                invoice = "INV-\(5000 + id)"
            } else if dispatched != nil, changes("updated", sure: sure) {
                outcome = change.pick(Self.outcomes)
                docket = docket ?? "D\(10_000 + id)"
            }
            try job.execute(arguments: [
                id, "S\(String(100_000 + id).dropFirst())", location, 1 + rng.below(providers.count),
                rng.pick(Self.serviceTypes), status, deferred ? 1 : 0, docket, rng.pick(Self.requests), outcome,
                rng.permille(900) ? "\(rng.pick(Names.first).text) \(rng.pick(Names.last).text)" : nil,
                dispatched.map(utcText), onSite.map(utcText), offSite.map(utcText), invoice,
            ])
        }
        counts.serviceJobs = sizes.jobs
    }

    // MARK: RangerMSP

    private static let ticketTitles = [
        "Printer offline", "Outlook keeps asking for password", "New starter laptop", "VPN drops every hour",
        "Backup job failed", "Disk 90% full on FILESRV01", "Phone system: no dial tone", "Wi-Fi slow in boardroom",
        "Reset MFA for reception", "Quote for new firewall",
    ]
    private static let sources = ["employee", "employee", "api", "email_connector", "automated_email", "web"]

    private mutating func fillRanger(_ db: Database) throws {
        for id in 1...sizes.tickets {
            var status = rng.pick(["New", "In Progress", "In Progress", "Waiting", "Completed"])
            let created = instant(hours: -20 * 24, spread: 20 * 24, &rng)
            var closed: Int64? = status == "Completed" ? created + Int64(3600 * (1 + rng.below(72))) : nil
            if status != "Completed", changes("closed") {
                status = "Completed"
                closed = instant(hours: 3 * 24, spread: 6, &change)
            } else if status == "Completed", changes("reopened") {
                status = "New"  // set back to New by hand
                closed = nil
            }
            try insertTicket(db, id: id, status: status, source: rng.pick(Self.sources), created: created, closed: closed, &rng)
        }
        counts.tickets = sizes.tickets
    }

    /// The later snapshot's new tickets, after every other row: from each source in turn.
    private mutating func openTickets(_ db: Database) throws {
        let opened = max(Self.sources.count, sizes.tickets / 10)
        for index in 0..<opened {
            try insertTicket(db, id: sizes.tickets + 1 + index, status: "New", source: Self.sources[index % Self.sources.count],
                             created: instant(hours: 3 * 24, spread: 6, &change), closed: nil, &change)
        }
        counts.tickets += opened
    }

    private func insertTicket(_ db: Database, id: Int, status: String, source: String, created: Int64, closed: Int64?,
                              _ random: inout SplitMix64) throws {
        try db.execute(sql: "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
            id, "T-\(1000 + id)", 1 + random.below(clientCount), random.pick(Self.ticketTitles), status, source,
            utcText(created), closed.map(utcText)])
        for index in 0..<(1 + random.below(3)) {
            let person = SampleName("\(random.pick(Names.first).text) \(random.pick(Names.last).text)")
            try db.execute(sql: "INSERT INTO ticket_recipients VALUES (?, ?, ?, ?)", arguments: [
                id, person.text, "\(person.slug)@\(random.pick(Names.domains))", index == 2 ? 0 : 1])
        }
    }

    // MARK: AngelTrack

    private static let places = [
        "Auckland City Hospital", "Middlemore Hospital", "North Shore Hospital", "Waitākere Hospital",
        "Greenlane Clinical Centre", "Ranfurly Rest Home", "Kōwhai Court Retirement Village", "Starship Children's Hospital",
    ]

    private mutating func fillAngelTrack(_ db: Database) throws {
        let affiliates = ["Coastal Ambulance", "Metro Medics", "St Hilda Patient Transport", "Aotea Medical Transfers"]
        for (index, name) in affiliates.enumerated() {
            try db.execute(sql: "INSERT INTO affiliates VALUES (?, ?, ?)", arguments: [
                index + 1, name, "dispatch@\(SampleName(name).slug).example.org"])
        }
        for id in 1...8 {
            let person = SampleName("\(rng.pick(Names.first).text) \(rng.pick(Names.last).text)")
            let texts = id % 4 == 0
            let events = id == 1 ? "assigned,cancelled" : rng.pick(["assigned,cancelled", "assigned", "cancelled", ""])
            try db.execute(sql: "INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?)", arguments: [
                id, person.text, "\(person.slug)@angel.example.com", events,
                texts ? 1 : 0, texts ? Phones.nzMobile(&rng) : nil])
        }
        let dispatch = try db.makeStatement(sql: "INSERT INTO dispatches VALUES (?, ?, ?, ?, ?, ?, ?)")
        for id in 1...sizes.dispatches {
            var pickup = instant(hours: 0, spread: 14 * 24, &rng)
            var status = rng.permille(850) ? "Scheduled" : rng.pick(["Completed", "Cancelled"])
            var affiliate: Int? = rng.permille(700) ? 1 + rng.below(affiliates.count) : nil
            if status == "Scheduled" {
                if affiliate == nil, changes("assigned") {
                    affiliate = 1 + change.below(affiliates.count)
                } else if let current = affiliate, changes("reassigned") {
                    affiliate = current % affiliates.count + 1
                } else if affiliate != nil, changes("moved") {
                    pickup += 1800
                } else if changes("cancelled") {
                    status = "Cancelled"
                }
            }
            let origin = rng.pick(Self.places)
            var destination = rng.pick(Self.places)
            if destination == origin { destination = "\(1 + rng.below(200)) \(rng.pick(Names.companyPlaces)) Road" }
            try dispatch.execute(arguments: [id, "D-\(5000 + id)", utcText(pickup), origin, destination, status, affiliate])
        }
        counts.dispatches = sizes.dispatches
    }
}
