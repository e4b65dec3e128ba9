import CrierTestSupport
import Foundation
import GRDB
import Testing

/// PDF and file attachments, run through the built binary, read back with Python's `email`
/// module and poppler's `pdftotext`.
@Suite("Attachments, end to end")
struct AttachmentEndToEndTests {
    static let at = "2026-11-23T17:00:00+13:00"

    static let config = ConfigRepo.defaultConfig + "\nattachments_dir: attachments\n"

    static let schedule = SMTPEndToEndTests.schedule
        .replacingOccurrences(of: "email AS recipient, name FROM", with: "email AS recipient, name, notes, doc FROM")

    static let template = """
        ---
        subject: "Job sheet {{key}}"
        attachments:
          - pdf: job-sheet
            filename: "Job {{key}}.pdf"
          - file: "{{doc}}"
        ---
        Kia ora {{name}}, your job sheet is attached.

        """

    static let sheet = """
        <span size="x-large"><b>Job {{key}}</b></span>
        Client: {{name}}
        {{notes}}

        """

    static let name = "Tāne & Sons <Ltd>"
    static let macrons = "Māori macrons: ā ē ī ō ū Ā Ē Ī Ō Ū"

    func makeRepo() throws -> ConfigRepo {
        let repo = try ConfigRepo(config: Self.config, schedules: ["visit.yaml": Self.schedule],
                                  templates: ["visit.email.mustache": Self.template, "job-sheet.pdf.mustache": Self.sheet])
        let fm = FileManager.default
        try fm.createDirectory(atPath: repo.root + "/attachments/sheets", withIntermediateDirectories: true)
        try "terms and conditions\n".write(toFile: repo.root + "/attachments/sheets/terms.txt", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: repo.root + "/secret.txt", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: repo.root + "/attachments/link.txt", withDestinationPath: repo.root + "/secret.txt")
        let notes = ([Self.macrons] + (1...120).map { "Line \($0): check the panel, ngā mihi." }).joined(separator: "\n")
        let queue = try DatabaseQueue(path: repo.root + "/data/snapshot.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE appointments (job TEXT, starts_at TEXT, email TEXT, name TEXT, notes TEXT, doc TEXT)")
            for (job, doc) in [("J1", "sheets/terms.txt"), ("J2", "../secret.txt"), ("J3", "link.txt"), ("J4", "sheets/missing.txt")] {
                try db.execute(sql: "INSERT INTO appointments VALUES (?, '2026-11-23T21:00:00Z', ?, ?, ?, ?)",
                               arguments: [job, "\(job.lowercased())@example.net", Self.name, notes, doc])
            }
        }
        try queue.close()
        return repo
    }

    /// Runs python3 with `script`, returning its standard output.
    func python(_ script: String, _ arguments: [String]) throws -> String {
        try tool("/usr/bin/python3", ["-c", script] + arguments)
    }

    func tool(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(path) \(arguments.last ?? "")")
        return String(decoding: data, as: UTF8.self)
    }

    /// Prints the message's type, then one line per part: type, filename; saves the PDF to argv[2].
    static let parser = """
        import email, email.policy, sys
        message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
        print(message.get_content_type())
        for part in message.walk():
            if part.is_multipart(): continue
            print(part.get_content_type(), part.get_filename() or '-')
            if part.get_content_type() == 'application/pdf':
                open(sys.argv[2], 'wb').write(part.get_content())
        """

    @Test func thePDFAndTheFileTravelInMultipartMixedAndTheTextComesBackFromThePDF() throws {
        let repo = try makeRepo()
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.out)\(run.err)")
        let names = repo.outbox("email")
        #expect(names.count == 1)
        let pdf = repo.root + "/job.pdf"
        let parts = try python(Self.parser, ["\(repo.root)/outbox/email/\(try #require(names.first))", pdf])
        #expect(parts == "multipart/mixed\ntext/plain -\napplication/pdf Job J1.pdf\ntext/plain terms.txt\n")
        let text = try tool("/usr/bin/pdftotext", ["-layout", pdf, "-"])
        #expect(text.contains("Job J1"))
        #expect(text.contains("Client: " + Self.name))
        #expect(text.contains(Self.macrons))
        #expect(text.contains("Line 120: check the panel, ngā mihi."))
        let info = try tool("/usr/bin/pdfinfo", [pdf])
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.map { Int($0.split(separator: " ").last ?? "") ?? 0 } ?? 0
        #expect(pages >= 2, "long content flows onto further pages")
        #expect(info.contains("Title:           Job J1.pdf"))
    }

    @Test func pathsLeavingTheAttachmentsFolderAreSkippedAndThePlanIsDeterministic() throws {
        let repo = try makeRepo()
        let first = try repo.crier(["plan", "--at", Self.at, "--format", "json"])
        let second = try repo.crier(["plan", "--at", Self.at, "--format", "json"])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.out == second.out)
        let items = try #require((try JSONSerialization.jsonObject(with: Data(first.out.utf8)) as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.map { $0["reason"] as? String ?? "send" } == ["send", "invalid-attachment", "invalid-attachment", "invalid-attachment"])
        let attachments = try #require(items.first?["attachments"] as? [[String: Any]])
        #expect(attachments.map { $0["filename"] as? String } == ["Job J1.pdf", "terms.txt"])
        #expect(attachments.last?["size"] as? Int == 21)
        #expect((attachments.first?["markup"] as? String)?.contains("Client: Tāne &amp; Sons &lt;Ltd&gt;") == true)
    }

    @Test func thePreviewCardListsEachAttachment() throws {
        guard let browser = HeadlessChromium.find() else {
            Issue.record("chromium is not installed: run ./contrib/install-deps.sh")
            return
        }
        let repo = try makeRepo()
        let made = try repo.crier(["plan", "--at", Self.at, "--format", "html", "-o", "plan.html"])
        #expect(made.code == 0, "\(made.err)")
        let text = PlanHTMLEndToEndTests.text(of: try browser.dumpDOM(repo.root + "/plan.html"))
        #expect(text.contains("AttachmentsJob J1.pdf (PDF from job-sheet), terms.txt (file sheets/terms.txt, 21 bytes)"), "\(text)")
    }

    @Test func overSMTPTheMessageIsMultipartMixed() throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let repo = try makeRepo()
        let config = Self.config.replacingOccurrences(of: "  from: \"Acme Services <noreply@acme.example>\"",
                                                      with: "  from: \"Acme Services <noreply@acme.example>\"\n  transport: smtp\n  smtp: { url: \"\(server.url)\", tls: none }")
        try config.write(toFile: repo.root + "/crier.yaml", atomically: true, encoding: .utf8)
        let run = try repo.crier(["run", "--at", Self.at])
        #expect(run.code == 0, "\(run.out)\(run.err)")
        let received = server.received()
        #expect(received.count == 1)
        #expect(received.first?.data.contains("Content-Type: multipart/mixed; boundary=") == true)
        #expect(received.first?.data.contains("Content-Disposition: attachment; filename=\"Job J1.pdf\"") == true)
    }
}
