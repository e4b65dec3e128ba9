import CrierTestSupport
import Foundation
import Testing
@testable import CrierCore

/// The byte-level MIME encoders against the String-based ones they replaced (kept below as the
/// reference), on thousands of generated inputs: the bytes of every message must stay the same.
@Suite struct MIMEByteEncoderTests {
    /// Pieces the generated texts are made of: long lines, trailing spaces and tabs, non-ASCII
    /// (2, 3 and 4 UTF-8 bytes, a combining mark), every line ending, `=`, `.` and `From ` at line
    /// starts, control bytes, a boundary look-alike.
    static let pieces = [
        "a", "Kia ora", " ", "  ", "\t", "=", "==", "=?", "?=", ".", "..", "\r\n", "\n", "\r", "\r\r\n", "\n\r",
        "ā", "Ō", "—", "😀", "e\u{301}", "\u{0}", "\u{1B}", "\u{7F}", "=_crier_", "From ", "<p>", "&amp;",
        String(repeating: "x", count: 73), String(repeating: "y", count: 80), String(repeating: "ā", count: 30),
        String(repeating: " ", count: 76), "word\t", "9:30 = sharp. ", "\r\n.\r\n", "\n.", "=\r\n",
    ]

    /// Deterministic inputs from the test support's SplitMix64, so a failure names an input that comes back.
    struct Generator {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(state: state) }
        mutating func next(_ bound: Int) -> Int { random.next(bound) }
        mutating func text(maxPieces: Int) -> String {
            (0..<next(maxPieces + 1)).map { _ in pieces[next(pieces.count)] }.joined()
        }
    }

    /// Quoted-printable: the same text as the String encoder, for 3,000 generated texts and every
    /// single piece, alone and repeated up to past a line's length.
    @Test func quotedPrintableMatchesTheStringEncoder() {
        var generator = Generator(state: 14)
        var texts = (0..<3_000).map { _ in generator.text(maxPieces: 60) }
        for piece in Self.pieces {
            texts += (1...80).map { String(repeating: piece, count: $0) }
            texts += (70...80).map { String(repeating: "a", count: $0) + piece }
        }
        let mismatches = texts.filter { QuotedPrintable.encode($0) != Reference.quotedPrintable($0) }
        #expect(mismatches.isEmpty, "first mismatch: \(mismatches.first.map { Array($0.utf8) } ?? [])")
    }

    /// Whole messages (plain, multipart, with attachments, odd subjects and names): the same bytes
    /// as the String-based serialiser.
    @Test func serializeMatchesTheStringSerializer() throws {
        var generator = Generator(state: 2026)
        for round in 0..<600 {
            let names = ["", "Acme Services", "Smith, John", "Ōtāhuhu Depot", "\"Quoted\" Name", String(repeating: "Long Name ", count: 12)]
            var message = EmailMessage(
                from: Mailbox(displayName: names[generator.next(names.count)], address: "noreply@acme.example"),
                to: (0...generator.next(3)).map { Mailbox(displayName: names[generator.next(names.count)], address: "client\($0)@example.com") },
                cc: generator.next(3) == 0 ? [Mailbox(address: "cc@example.com")] : [],
                bcc: generator.next(3) == 0 ? [Mailbox(address: "audit@acme.example")] : [],
                replyTo: generator.next(2) == 0 ? [Mailbox(address: "office@acme.example")] : [],
                subject: generator.text(maxPieces: 12).filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" },
                date: Date(timeIntervalSince1970: 1_795_492_800 + Double(generator.next(100_000_000))),
                timeZone: TimeZone(identifier: ["Pacific/Auckland", "UTC", "America/St_Johns", "Asia/Kolkata"][round % 4])!,
                messageID: "item-\(round)@acme.example",
                text: generator.text(maxPieces: 80),
                html: generator.next(2) == 0 ? nil : "<p>" + generator.text(maxPieces: 80) + "</p>\n")
            if round % 7 == 0 {
                message.attachments = [MailAttachment(
                    filename: ["invoice.pdf", "Ōtāhuhu report.pdf"][round % 2], contentType: "application/pdf",
                    data: (0..<generator.next(400)).map { UInt8(truncatingIfNeeded: $0 &* 37) })]
            }
            let includeBcc = round % 2 == 0
            let bytes = try message.serialize(includeBcc: includeBcc)
            let reference = try Reference.serialize(message, includeBcc: includeBcc)
            #expect(bytes == reference, "message \(round) differs")
            if bytes != reference { return }
        }
    }

    /// The Date header's arithmetic agrees with `Calendar` in zones with half hours, DST and
    /// negative offsets, across 1900-2400 and on fractions of a second.
    @Test func dateArithmeticMatchesCalendar() {
        var generator = Generator(state: 5322)
        let zones = ["Pacific/Auckland", "UTC", "America/St_Johns", "Asia/Kolkata", "Pacific/Chatham", "America/Los_Angeles", "Australia/Lord_Howe"]
            .map { TimeZone(identifier: $0)! }
        var instants = (0..<5_000).map { _ in Double(generator.next(16_000_000_000)) - 2_200_000_000 + Double(generator.next(1000)) / 1000 }
        instants += [-2_208_988_800, -1, -0.5, 0, 0.5, 951_782_400, 4_107_542_400, 13_569_465_600]
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            for zone in zones {
                let calendar = EmailMessage.calendarLocalTime(date, timeZone: zone)
                guard let arithmetic = EmailMessage.localTime(date, offsetSeconds: zone.secondsFromGMT(for: date)) else { continue }
                let same = [arithmetic.year, arithmetic.month, arithmetic.day, arithmetic.weekday, arithmetic.hour, arithmetic.minute, arithmetic.second]
                    == [calendar.year, calendar.month, calendar.day, calendar.weekday, calendar.hour, calendar.minute, calendar.second]
                #expect(same, "\(instant) in \(zone.identifier)")
                if !same { return }
            }
        }
    }

    /// Address plausibility and header plainness: the byte checks answer as the scalar ones did.
    @Test func addressAndPlainChecksMatchTheScalarOnes() {
        var generator = Generator(state: 5321)
        let parts = ["a", "@", "b.example", "<", ">", "(", ")", ",", ";", "\"", "\\", " ", "\t", "ā", "\u{7F}", "=", "?", "x", ""]
        var texts = (0..<5_000).map { _ in (0..<generator.next(6)).map { _ in parts[generator.next(parts.count)] }.joined() }
        texts += ["a@b", "@b", "a@", "a@@b", String(repeating: "a", count: 250) + "@b.c", String(repeating: "a", count: 249) + "@b.c"]
        #expect(texts.filter { Mailbox.isPlausibleAddress($0) != Reference.isPlausibleAddress($0) } == [])
        #expect(texts.filter { HeaderEncoding.isPlain($0) != Reference.isPlain($0) } == [])
        #expect(texts.contains { Mailbox.isPlausibleAddress($0) } && texts.contains { !HeaderEncoding.isPlain($0) })
    }

    /// A bare address takes `Mailbox.parse`'s short way; it must answer as the general way does
    /// (reached here through a leading blank, which the general way trims).
    @Test func bareAddressesParseAsTheGeneralWayDoes() {
        var generator = Generator(state: 5320)
        let parts = ["a", "@", "b.example", ">", "(", ",", ";", "\\", "ā", "\u{7F}", "x.y", ""]
        let texts = (0..<3_000).map { _ in (0..<generator.next(6)).map { _ in parts[generator.next(parts.count)] }.joined() }
        for text in texts {
            let short = try? Mailbox.parse(text)
            let general = try? Mailbox.parse(" " + text)
            #expect(short == general, "\(text)")
        }
        #expect(texts.contains { (try? Mailbox.parse($0)) != nil })
    }
}

/// The String-based encoders as they were before the byte-level ones (the oracle).
private enum Reference {
    static func quotedPrintable(_ text: String) -> String {
        lines(of: Array(text.utf8)).map(encodeLine).joined(separator: "\r\n")
    }

    static func lines(of bytes: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                result.append(current)
                current = []
                if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else {
                current.append(byte)
            }
            index += 1
        }
        result.append(current)
        return result
    }

    static func encodeLine(_ line: [UInt8]) -> String {
        var output = ""
        var current = ""
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let token: String = switch byte {
            case 9, 32: isLast ? escape(byte) : String(UnicodeScalar(byte))
            case 33...60, 62...126: String(UnicodeScalar(byte))
            default: escape(byte)
            }
            let limit = isLast ? 76 : 75
            if current.utf8.count + token.utf8.count > limit {
                output += current + "=\r\n"
                current = ""
            }
            current += token
        }
        return output + current
    }

    static func escape(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF").map(String.init)
        return "=" + digits[Int(byte >> 4)] + digits[Int(byte & 0x0F)]
    }

    static func isPlausibleAddress(_ address: String) -> Bool {
        let forbidden: Set<Unicode.Scalar> = ["<", ">", "(", ")", ",", ";", "\"", "\\"]
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && address.utf8.count <= 254
            && address.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && !forbidden.contains($0) }
    }

    static func isPlain(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == "\t" || (0x20...0x7E).contains($0.value) } && !text.contains("=?")
    }

    /// The old serialiser: Strings joined, then converted to bytes once.
    static func serialize(_ message: EmailMessage, includeBcc: Bool) throws -> [UInt8] {
        var headers = try message.headerLines(includeBcc: includeBcc)
        let textBody = quotedPrintable(message.text)
        var contentHeaders: [String]
        var body: String
        if let html = message.html {
            let htmlBody = quotedPrintable(html)
            let boundary = EmailMessage.boundary(for: message.messageID, avoiding: [textBody, htmlBody])
            contentHeaders = ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "Content-Transfer-Encoding: 7bit"]
            body = "--\(boundary)\r\n" + EmailMessage.partHeaders(type: "text/plain") + "\r\n" + textBody
                + "\r\n--\(boundary)\r\n" + EmailMessage.partHeaders(type: "text/html") + "\r\n" + htmlBody
                + "\r\n--\(boundary)--\r\n"
        } else {
            contentHeaders = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
            body = textBody.isEmpty || textBody.utf8.last == 10 ? textBody : textBody + "\r\n"
        }
        if !message.attachments.isEmpty {
            let boundary = EmailMessage.boundary(for: message.messageID + "/mixed", avoiding: [body])
            var mixed = "--\(boundary)\r\n" + contentHeaders.map { $0 + "\r\n" }.joined() + "\r\n" + body
            for attachment in message.attachments {
                mixed += "\r\n--\(boundary)\r\n" + (try EmailMessage.attachmentHeaders(attachment)) + "\r\n" + base64Lines(attachment.data)
            }
            body = mixed + "\r\n--\(boundary)--\r\n"
            contentHeaders = ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "Content-Transfer-Encoding: 7bit"]
        }
        headers += contentHeaders
        return Array((headers.map { $0 + "\r\n" }.joined() + "\r\n" + body).utf8)
    }

    static func base64Lines(_ data: [UInt8]) -> String {
        let text = Data(data).base64EncodedString()
        var lines = ""
        var start = text.startIndex
        while start < text.endIndex {
            let end = text.index(start, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines += text[start..<end] + "\r\n"
            start = end
        }
        return lines
    }
}
