import Foundation
import Testing
@testable import CrierCore

/// Serialisation of complete messages: golden bytes, line rules, encoding, injection and determinism.
@Suite struct EmailMessageTests {
    /// 2026-11-24 04:00:00 UTC, which is 17:00 in Auckland (NZDT, +1300).
    static let reminderDate = Date(timeIntervalSince1970: 1_795_492_800)
    /// A fixed +1300 zone that needs no tz database.
    static let plusThirteen = TimeZone(secondsFromGMT: 13 * 3_600)!

    /// A small plain-text reminder used as the base of most tests.
    static func plainMessage() -> EmailMessage {
        EmailMessage(
            from: Mailbox(displayName: "Crier Reminders", address: "reminders@acme.example"),
            to: [Mailbox(displayName: "Smith, John", address: "john@x.example")],
            subject: "Appointment reminder",
            date: reminderDate,
            timeZone: plusThirteen,
            messageID: "3f2a9c@acme.example",
            text: "Kia ora John,\nYour appointment is at 9:30 = sharp.\nTrailing space here \nSee you — Crier"
        )
    }

    /// A multipart reminder with every optional header set.
    static func multipartMessage() -> EmailMessage {
        EmailMessage(
            from: Mailbox(displayName: "Crier", address: "reminders@acme.example"),
            to: [Mailbox(displayName: "Aroha Ngata", address: "aroha@x.example")],
            cc: [Mailbox(displayName: "Smith, John", address: "john@x.example")],
            bcc: [Mailbox(address: "audit@acme.example")],
            replyTo: [Mailbox(address: "desk@acme.example")],
            subject: "Kia ora Māori — reminder",
            date: reminderDate,
            timeZone: plusThirteen,
            messageID: "3f2a9c7d@acme.example",
            text: "Kia ora Aroha,\nSee you at 9:30.\n",
            html: "<p style=\"color:#333\">Kia ora Aroha, see you at <b>9:30</b>.</p>\n"
        )
    }

    /// Turns a readable LF golden text into the CRLF bytes expected on the wire.
    static func crlf(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// The plain message serialises to exactly the golden bytes.
    @Test func plainMessageMatchesGolden() throws {
        let expected = Self.crlf("""
            Date: Tue, 24 Nov 2026 17:00:00 +1300
            From: Crier Reminders <reminders@acme.example>
            To: "Smith, John" <john@x.example>
            Message-ID: <3f2a9c@acme.example>
            Subject: Appointment reminder
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Kia ora John,
            Your appointment is at 9:30 =3D sharp.
            Trailing space here=20
            See you =E2=80=94 Crier

            """)
        let actual = try Self.plainMessage().serialize(includeBcc: false)
        #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(actual == expected)
    }

    /// The multipart message serialises to exactly the golden bytes (boundary = `=_crier_` + FNV-1a-64 of the id).
    @Test func multipartMessageMatchesGolden() throws {
        let expected = Self.crlf("""
            Date: Tue, 24 Nov 2026 17:00:00 +1300
            From: Crier <reminders@acme.example>
            Reply-To: desk@acme.example
            To: Aroha Ngata <aroha@x.example>
            Cc: "Smith, John" <john@x.example>
            Bcc: audit@acme.example
            Message-ID: <3f2a9c7d@acme.example>
            Subject: =?UTF-8?B?S2lhIG9yYSBNxIFvcmkg4oCUIHJlbWluZGVy?=
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="=_crier_dd805854ec910ebc"
            Content-Transfer-Encoding: 7bit

            --=_crier_dd805854ec910ebc
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Kia ora Aroha,
            See you at 9:30.

            --=_crier_dd805854ec910ebc
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            <p style=3D"color:#333">Kia ora Aroha, see you at <b>9:30</b>.</p>

            --=_crier_dd805854ec910ebc--

            """)
        let actual = try Self.multipartMessage().serialize(includeBcc: true)
        #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(actual == expected)
    }

    /// A message stressing every header: many encoded names, long subjects, long bodies.
    static func stressMessage(subject: String) -> EmailMessage {
        var message = multipartMessage()
        message.subject = subject
        message.to = (1...8).map { Mailbox(displayName: "Whānau member \($0) of Ōtāhuhu — family", address: "m\($0)@x.example") }
        message.cc = (1...6).map { Mailbox(displayName: "Surname\($0), Given", address: "c\($0)@x.example") }
        message.text = String(repeating: "Kia ora — a long line of reminder text = detail. ", count: 40) + "\r\nend\rmore\n"
        message.html = "<p>" + String(repeating: "Ōtāhuhu ", count: 200) + "</p>"
        return message
    }

    /// Every line ends in CRLF (no bare CR or LF), headers fold to ≤ 78 and nothing exceeds 998.
    @Test(arguments: [
        HeaderEncodingTests.maori,
        String(repeating: HeaderEncodingTests.maori + " ", count: 4),
        String(repeating: "A long plain ASCII subject about tomorrow's appointment ", count: 5) + "end",
    ])
    func linesAreCRLFAndWithinLimits(subject: String) throws {
        let bytes = try Self.stressMessage(subject: subject).serialize(includeBcc: true)
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { #expect(index > 0 && bytes[index - 1] == 13, "bare LF at \(index)") }
            if byte == 13 { #expect(index + 1 < bytes.count && bytes[index + 1] == 10, "bare CR at \(index)") }
        }
        #expect(bytes.suffix(2) == [13, 10])
        #expect(bytes.allSatisfy { $0 < 0x80 })
        let lines = MIMETestSupport.physicalLines(bytes)
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        let headers = MIMETestSupport.headerLines(bytes)
        #expect(headers.count > 12, "expected folded headers")
        #expect(headers.allSatisfy { !$0.allSatisfy { $0 == " " || $0 == "\t" } })
    }

    /// Non-ASCII subjects (short and long) decode back to the original text.
    @Test(arguments: [
        HeaderEncodingTests.maori,
        String(repeating: HeaderEncodingTests.maori + " ", count: 4) + "🎉",
    ])
    func nonASCIISubjectRoundTrips(subject: String) throws {
        var message = Self.plainMessage()
        message.subject = subject
        let bytes = try message.serialize(includeBcc: false)
        let value = try #require(MIMETestSupport.headerValue("Subject", in: bytes))
        #expect(MIMETestSupport.decodeEncodedWords(value) == subject)
        let subjectLines = MIMETestSupport.headerLines(bytes).drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("MIME-Version") }
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(value.split(separator: " ").allSatisfy { $0.utf8.count <= 75 })
    }

    /// A long ASCII subject is folded at whitespace and unfolds to the original.
    @Test func longASCIISubjectFoldsAtWhitespace() throws {
        var message = Self.plainMessage()
        message.subject = String(repeating: "Reminder for your appointment tomorrow ", count: 6) + "at 9:30"
        let bytes = try message.serialize(includeBcc: false)
        #expect(MIMETestSupport.headerValue("Subject", in: bytes) == message.subject)
        let subjectLines = MIMETestSupport.headerLines(bytes).drop { !$0.hasPrefix("Subject:") }.prefix { !$0.hasPrefix("MIME-Version") }
        #expect(subjectLines.count > 2)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
    }

    /// Display names with a comma are quoted; non-ASCII names are encoded and decode back.
    @Test func displayNamesAreQuotedOrEncoded() throws {
        var message = Self.plainMessage()
        message.to.append(Mailbox(displayName: "Ngā Tāngata", address: "t@x.example"))
        let bytes = try message.serialize(includeBcc: false)
        let to = try #require(MIMETestSupport.headerValue("To", in: bytes))
        #expect(to.hasPrefix("\"Smith, John\" <john@x.example>, "))
        let encodedName = String(to.dropFirst("\"Smith, John\" <john@x.example>, ".count).dropLast(" <t@x.example>".count))
        #expect(MIMETestSupport.decodeEncodedWords(encodedName) == "Ngā Tāngata")
    }

    /// CR or LF in any header value throws invalidHeader naming that header, whatever includeBcc says.
    @Test(arguments: HeaderInjection.allCases)
    func lineBreakInHeaderThrowsInvalidHeader(injection: HeaderInjection) {
        var message = Self.plainMessage()
        injection.apply(to: &message)
        for includeBcc in [false, true] {
            #expect(throws: MIMEError.invalidHeader(name: injection.header)) {
                try message.serialize(includeBcc: includeBcc)
            }
        }
    }

    /// Malformed Message-IDs throw invalidHeader(name: "Message-ID").
    @Test(arguments: ["", "no-at-sign", "<a@x.example>", "a b@x.example", "a@b@x.example", "@x.example", "a@", "ā@x.example", "a@x.examplé"])
    func malformedMessageIDThrows(messageID: String) {
        var message = Self.plainMessage()
        message.messageID = messageID
        #expect(throws: MIMEError.invalidHeader(name: "Message-ID")) { try message.serialize(includeBcc: false) }
    }

    /// An implausible address throws invalidMailbox with that address.
    @Test func implausibleAddressThrowsInvalidMailbox() {
        var message = Self.plainMessage()
        message.cc = [Mailbox(address: "not an address")]
        #expect(throws: MIMEError.invalidMailbox("not an address")) { try message.serialize(includeBcc: false) }
    }

    /// Headers appear in the fixed order; Bcc only with includeBcc, empty lists omitted.
    @Test func headersAppearInFixedOrder() throws {
        let message = Self.multipartMessage()
        let names = { (bytes: [UInt8]) in
            MIMETestSupport.headerLines(bytes).filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }
        }
        #expect(try names(message.serialize(includeBcc: true)) == [
            "Date", "From", "Reply-To", "To", "Cc", "Bcc", "Message-ID", "Subject",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        ])
        #expect(try names(message.serialize(includeBcc: false)) == [
            "Date", "From", "Reply-To", "To", "Cc", "Message-ID", "Subject",
            "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        ])
        #expect(try names(Self.plainMessage().serialize(includeBcc: true)) == [
            "Date", "From", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        ])
    }

    /// Bare LF and bare CR in bodies become CRLF and the message ends with CRLF.
    @Test func bareLineEndsInBodyAreNormalised() throws {
        var message = Self.plainMessage()
        message.text = "one\ntwo\rthree\r\nfour"
        let bytes = try message.serialize(includeBcc: false)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n"))
    }

    /// An empty body still yields a well-formed message ending after the blank line.
    @Test func emptyBodyEndsAfterHeaders() throws {
        var message = Self.plainMessage()
        message.text = ""
        let text = String(decoding: try message.serialize(includeBcc: false), as: UTF8.self)
        #expect(text.hasSuffix("Content-Transfer-Encoding: quoted-printable\r\n\r\n"))
    }

    /// The same value always gives the same bytes; a different Message-ID gives a different boundary.
    @Test func serialisationIsDeterministic() throws {
        let message = Self.stressMessage(subject: HeaderEncodingTests.maori)
        let first = try message.serialize(includeBcc: true)
        #expect(try message.serialize(includeBcc: true) == first)
        #expect(try message.serialize(includeBcc: false) != first)
        var other = message
        other.messageID = "different@acme.example"
        #expect(EmailMessage.boundary(for: other.messageID, avoiding: [])
            != EmailMessage.boundary(for: message.messageID, avoiding: []))
    }

    /// A body quoting the boundary text still leaves the boundary only on delimiter lines.
    @Test func boundaryNeverOccursInsideBodies() throws {
        var message = Self.multipartMessage()
        let boundary = EmailMessage.boundary(for: message.messageID, avoiding: [])
        message.text = "Literal --\(boundary) and \(boundary)--\n--\(boundary)\n"
        message.html = "<pre>\(boundary)</pre>"
        let bytes = try message.serialize(includeBcc: false)
        let lines = MIMETestSupport.physicalLines(bytes)
        let hits = lines.filter { $0.contains(boundary) }
        #expect(hits == ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
                         "--\(boundary)", "--\(boundary)", "--\(boundary)--"])
    }

    /// When a candidate boundary occurs in a part, a re-salted deterministic one is chosen.
    @Test func boundaryChoiceAvoidsCollisions() {
        let first = EmailMessage.boundary(for: "id@x.example", avoiding: [])
        #expect(first.hasPrefix("=_crier_") && first.utf8.count == 24)
        let second = EmailMessage.boundary(for: "id@x.example", avoiding: ["text \(first) text"])
        #expect(second != first && second.hasPrefix("=_crier_"))
        #expect(EmailMessage.boundary(for: "id@x.example", avoiding: ["text \(first) text"]) == second)
        let third = EmailMessage.boundary(for: "id@x.example", avoiding: [first, "x" + second])
        #expect(third != first && third != second)
    }

    /// The Date header uses the message's zone, including negative and half-hour offsets.
    @Test(arguments: [
        (1_795_492_800.0, 13 * 3_600, "Tue, 24 Nov 2026 17:00:00 +1300"),
        (1_795_492_800.0, 0, "Tue, 24 Nov 2026 04:00:00 +0000"),
        (1_795_492_800.0, -(3 * 3_600 + 1_800), "Tue, 24 Nov 2026 00:30:00 -0330"),
        (1_795_492_800.0, -(5 * 3_600), "Mon, 23 Nov 2026 23:00:00 -0500"),
        (1_795_492_800.0, 5 * 3_600 + 1_800, "Tue, 24 Nov 2026 09:30:00 +0530"),
        (1_798_761_599.0, 0, "Thu, 31 Dec 2026 23:59:59 +0000"),
        (0.0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"),
    ])
    func dateHeaderFormatsInZone(seconds: Double, offset: Int, expected: String) throws {
        let zone = try #require(TimeZone(secondsFromGMT: offset))
        #expect(EmailMessage.dateHeaderValue(Date(timeIntervalSince1970: seconds), timeZone: zone) == expected)
    }

    /// A named zone applies its daylight-saving offset (Auckland is +1300 in November, +1200 in June).
    @Test func dateHeaderUsesNamedZoneRules() throws {
        let auckland = try #require(TimeZone(identifier: "Pacific/Auckland"))
        #expect(EmailMessage.dateHeaderValue(Self.reminderDate, timeZone: auckland) == "Tue, 24 Nov 2026 17:00:00 +1300")
        let june = Date(timeIntervalSince1970: 1_781_582_400)  // 2026-06-16 04:00:00 UTC
        #expect(EmailMessage.dateHeaderValue(june, timeZone: auckland) == "Tue, 16 Jun 2026 16:00:00 +1200")
    }

    /// Python's `email` package reads the multipart message back: subject, names and both payloads intact, no defects.
    @Test func pythonEmailParserReadsMultipart() throws {
        var message = Self.stressMessage(subject: String(repeating: HeaderEncodingTests.maori + " ", count: 3) + "🎉")
        message.text = "Kia ora — line one = two\nTrailing space \n" + String(repeating: "ā", count: 120) + "\n"
        message.html = "<p style=\"x\">Ōtāhuhu</p>\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crier-mime-\(UUID().uuidString).eml")
        try Data(message.serialize(includeBcc: false)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import sys, json, email
            from email import policy
            with open(sys.argv[1], 'rb') as f:
                msg = email.message_from_binary_file(f, policy=policy.default)
            parts = [p for p in msg.walk() if not p.is_multipart()]
            print(json.dumps({
                "subject": str(msg["subject"]),
                "to": [a.display_name for a in msg["to"].addresses],
                "cc": [a.display_name for a in msg["cc"].addresses],
                "types": [p.get_content_type() for p in parts],
                "payloads": [p.get_payload(decode=True).decode("utf-8").replace("\\r\\n", "\\n") for p in parts],
                "defects": sum(len(p.defects) for p in msg.walk()),
            }))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, url.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return }  // No usable env/python3 here: nothing to compare against.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 { return }  // python3 is not installed.
        #expect(process.terminationStatus == 0)
        let parsed = try JSONDecoder().decode(PythonView.self, from: data)
        #expect(parsed.subject == message.subject)
        #expect(parsed.to == message.to.map { $0.displayName ?? "" })
        #expect(parsed.cc == message.cc.map { $0.displayName ?? "" })
        #expect(parsed.types == ["text/plain", "text/html"])
        #expect(parsed.payloads == [message.text, message.html ?? ""])
        #expect(parsed.defects == 0)
    }
}

/// One way of smuggling CR or LF into a header value.
enum HeaderInjection: CaseIterable, Sendable {
    case subjectCRLF, subjectLF, fromNameCR, toNameLF, toAddressCRLF, ccNameLF, replyToNameCRLF, bccNameLF, messageIDCRLF

    /// The header name the error must carry.
    var header: String {
        switch self {
        case .subjectCRLF, .subjectLF: "Subject"
        case .fromNameCR: "From"
        case .toNameLF, .toAddressCRLF: "To"
        case .ccNameLF: "Cc"
        case .replyToNameCRLF: "Reply-To"
        case .bccNameLF: "Bcc"
        case .messageIDCRLF: "Message-ID"
        }
    }

    /// Puts the line break into `message`.
    func apply(to message: inout EmailMessage) {
        switch self {
        case .subjectCRLF: message.subject = "Hi\r\nBcc: victim@x.example"
        case .subjectLF: message.subject = "Hi\nthere"
        case .fromNameCR: message.from.displayName = "Crier\rX-Evil: 1"
        case .toNameLF: message.to[0].displayName = "Smith\nBcc: victim@x.example"
        case .toAddressCRLF: message.to[0].address = "john@x.example\r\nBcc: v@x.example"
        case .ccNameLF: message.cc = [Mailbox(displayName: "A\nB", address: "a@x.example")]
        case .replyToNameCRLF: message.replyTo = [Mailbox(displayName: "R\r\n", address: "r@x.example")]
        case .bccNameLF: message.bcc = [Mailbox(displayName: "Hidden\n", address: "h@x.example")]
        case .messageIDCRLF: message.messageID = "abc@x.example\r\nX-Evil: 1"
        }
    }
}

/// What the Python check prints about the parsed message.
struct PythonView: Decodable {
    /// The decoded Subject.
    var subject: String
    /// Decoded To display names.
    var to: [String]
    /// Decoded Cc display names.
    var cc: [String]
    /// Content types of the leaf parts, in order.
    var types: [String]
    /// Decoded leaf payloads with CRLF turned into LF.
    var payloads: [String]
    /// Number of parser defects across all parts.
    var defects: Int
}

/// Human-readable error messages.
@Suite struct MIMEErrorTests {
    /// The invalidHeader message names the header.
    @Test func invalidHeaderMessageNamesHeader() {
        #expect(MIMEError.invalidHeader(name: "Subject").message
            == "header Subject has an invalid value (line break or forbidden character)")
    }

    /// The invalidMailbox message shows the text with CR and LF escaped onto one line.
    @Test func invalidMailboxMessageEscapesControls() {
        let message = MIMEError.invalidMailbox("a@x\r\nBcc: y").message
        #expect(message == "invalid mailbox: a@x\\r\\nBcc: y")
        #expect(!message.contains("\n") && !message.contains("\r"))
    }
}
