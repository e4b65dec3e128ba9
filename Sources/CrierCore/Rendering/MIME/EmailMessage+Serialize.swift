import Foundation

/// Serialisation of an `EmailMessage` into RFC 5322 / MIME bytes.
extension EmailMessage {
    /// Prefix of every multipart boundary; `=_` can never occur in quoted-printable output.
    static let boundaryPrefix = "=_crier_"
    /// Longest Message-ID accepted, so `Message-ID: <...>` stays within the 998-character line limit.
    static let maxMessageIDLength = 900

    /// The complete message as CRLF bytes in fixed header order; validates every mailbox (Bcc too) and always uses UTF-8 quoted-printable bodies.
    /// With attachments it is `multipart/mixed`: the text (or its `multipart/alternative`) first, then each file in base64.
    package func serialize(includeBcc: Bool) throws(MIMEError) -> [UInt8] {
        let headers = try headerLines(includeBcc: includeBcc)
        var contentHeaders: [String]
        var body: [UInt8] = []
        if let html {
            var textBody: [UInt8] = []
            QuotedPrintable.encode(text, into: &textBody)
            var htmlBody: [UInt8] = []
            QuotedPrintable.encode(html, into: &htmlBody)
            let boundary = Self.boundary(for: messageID, absentFrom: [textBody, htmlBody])
            contentHeaders = ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "Content-Transfer-Encoding: 7bit"]
            body.reserveCapacity(textBody.count + htmlBody.count + 256)
            body.append(contentsOf: "--\(boundary)\r\n\(Self.partHeaders(type: "text/plain"))\r\n".utf8)
            body += textBody
            body.append(contentsOf: "\r\n--\(boundary)\r\n\(Self.partHeaders(type: "text/html"))\r\n".utf8)
            body += htmlBody
            body.append(contentsOf: "\r\n--\(boundary)--\r\n".utf8)
        } else {
            contentHeaders = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
            QuotedPrintable.encode(text, into: &body)
            if let last = body.last, last != 10 { body += [13, 10] }
        }
        if !attachments.isEmpty {
            // Base64 and quoted-printable never hold `=_`, so a boundary seeded apart from the inner one is safe.
            let boundary = Self.boundary(for: messageID + "/mixed", absentFrom: [body])
            var mixed = Array("--\(boundary)\r\n".utf8)
            Self.appendLines(contentHeaders, to: &mixed)
            mixed += [13, 10]
            mixed += body
            for attachment in attachments {
                mixed.append(contentsOf: "\r\n--\(boundary)\r\n\(try Self.attachmentHeaders(attachment))\r\n".utf8)
                Self.appendBase64Lines(attachment.data, to: &mixed)
            }
            mixed.append(contentsOf: "\r\n--\(boundary)--\r\n".utf8)
            body = mixed
            contentHeaders = ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "Content-Transfer-Encoding: 7bit"]
        }
        var message: [UInt8] = []
        message.reserveCapacity(body.count + 1024)
        Self.appendLines(headers, to: &message)
        Self.appendLines(contentHeaders, to: &message)
        message += [13, 10]
        message += body
        return message
    }

    /// Appends each of `lines` and a CRLF after it.
    private static func appendLines(_ lines: [String], to output: inout [UInt8]) {
        for line in lines {
            output.append(contentsOf: line.utf8)
            output += [13, 10]
        }
    }

    /// Content-Type, Content-Disposition and Content-Transfer-Encoding of an attachment part
    /// (CRLF-terminated). A printable-ASCII file name is quoted; any other is written the RFC
    /// 2231 way (`filename*=utf-8''...`), which mail programs decode.
    static func attachmentHeaders(_ attachment: MailAttachment) throws(MIMEError) -> String {
        let name = attachment.filename
        try HeaderEncoding.requireSingleLine(name, header: "filename")
        let plain = name.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" }
        let parameter: (String) -> String
        if plain, name.utf8.count <= 200 {
            parameter = { "\($0)=\"\(name)\"" }
        } else {
            let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
            let encoded = name.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : "%" + pad16($0) }.joined()
            parameter = { "\($0)*=utf-8''\(encoded)" }
        }
        return "Content-Type: \(attachment.contentType); \(parameter("name"))\r\n"
            + "Content-Disposition: attachment; \(parameter("filename"))\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
    }

    /// Two upper-case hex digits.
    private static func pad16(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + hex : hex
    }

    /// Appends `data` in base64, 76 characters a line, each line CRLF-terminated.
    static func appendBase64Lines(_ data: [UInt8], to output: inout [UInt8]) {
        let text = Data(data).base64EncodedData()
        output.reserveCapacity(output.count + text.count + text.count / 38 + 2)
        var start = text.startIndex
        while start < text.endIndex {
            let end = min(start + 76, text.endIndex)
            output.append(contentsOf: text[start..<end])
            output += [13, 10]
            start = end
        }
    }

    /// The folded header fields from Date through MIME-Version, in the fixed order (Content-* are added by `serialize`).
    func headerLines(includeBcc: Bool) throws(MIMEError) -> [String] {
        try Self.validate([from], header: "From")
        try Self.validate(replyTo, header: "Reply-To")
        try Self.validate(to, header: "To")
        try Self.validate(cc, header: "Cc")
        try Self.validate(bcc, header: "Bcc")
        try validateMessageID()
        var lines = ["Date: " + Self.dateHeaderValue(date, timeZone: timeZone)]
        lines.append(Self.addressHeader("From", [from]))
        if !replyTo.isEmpty { lines.append(Self.addressHeader("Reply-To", replyTo)) }
        if !to.isEmpty { lines.append(Self.addressHeader("To", to)) }
        if !cc.isEmpty { lines.append(Self.addressHeader("Cc", cc)) }
        if includeBcc && !bcc.isEmpty { lines.append(Self.addressHeader("Bcc", bcc)) }
        lines.append("Message-ID: <\(messageID)>")
        lines.append(try HeaderEncoding.unstructured("Subject", value: subject))
        lines.append("MIME-Version: 1.0")
        return lines
    }

    /// Throws `invalidHeader` for CR/LF in a display name or address, `invalidMailbox` for an implausible address.
    static func validate(_ mailboxes: [Mailbox], header: String) throws(MIMEError) {
        for mailbox in mailboxes {
            try HeaderEncoding.requireSingleLine(mailbox.displayName ?? "", header: header)
            try HeaderEncoding.requireSingleLine(mailbox.address, header: header)
            guard Mailbox.isPlausibleAddress(mailbox.address) else { throw .invalidMailbox(mailbox.address) }
        }
    }

    /// Throws `invalidHeader(name: "Message-ID")` unless the id is `left@right` in printable ASCII without `<`/`>`.
    func validateMessageID() throws(MIMEError) {
        // One pass over the bytes (a byte of a non-ASCII character is above 0x7E, so it fails too).
        var count = 0, ats = 0, at = 0, printable = true
        for byte in messageID.utf8 {
            if byte == UInt8(ascii: "@") {
                ats += 1
                at = count
            }
            if byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") { printable = false }
            count += 1
        }
        guard ats == 1, at > 0, at < count - 1, printable, count <= Self.maxMessageIDLength else {
            throw .invalidHeader(name: "Message-ID")
        }
    }

    /// A folded address-list header such as `To: A <a@x>, "B, C" <b@x>`; mailboxes must already be validated.
    static func addressHeader(_ name: String, _ mailboxes: [Mailbox]) -> String {
        let firstRoom = HeaderEncoding.lineLimit - name.utf8.count - 2
        let rendered = mailboxes.enumerated().map { index, mailbox in
            mailbox.headerText(firstMaxLength: index == 0 ? firstRoom : HeaderEncoding.maxEncodedWordLength)
        }
        return HeaderEncoding.fold("\(name): " + rendered.joined(separator: ", "), respectingQuotes: true)
    }

    /// Content-Type and Content-Transfer-Encoding lines (CRLF-terminated) for one quoted-printable UTF-8 part.
    static func partHeaders(type: String) -> String {
        "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
    }

    /// RFC 5322 date-time such as `Tue, 24 Nov 2026 17:00:00 +1300`: the Gregorian calendar's local time in `timeZone`.
    static func dateHeaderValue(_ date: Date, timeZone: TimeZone) -> String {
        let offsetSeconds = timeZone.secondsFromGMT(for: date)
        let parts = localTime(date, offsetSeconds: offsetSeconds) ?? calendarLocalTime(date, timeZone: timeZone)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offsetMinutes = offsetSeconds / 60
        let sign = offsetMinutes < 0 ? "-" : "+"
        let weekday = weekdays[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        let day = pad(parts.day ?? 1, 2)
        let time = "\(pad(parts.hour ?? 0, 2)):\(pad(parts.minute ?? 0, 2)):\(pad(parts.second ?? 0, 2))"
        let zone = sign + pad(abs(offsetMinutes) / 60, 2) + pad(abs(offsetMinutes) % 60, 2)
        return "\(weekday), \(day) \(month) \(pad(parts.year ?? 1970, 4)) \(time) \(zone)"
    }

    /// The local date and time `offsetSeconds` from UTC by days-from-civil arithmetic (weekday 1 is
    /// Sunday, as `Calendar` counts), for the years 1900-9999; nil outside them, where `Calendar`
    /// answers (it turns Julian before 1582).
    static func localTime(_ date: Date, offsetSeconds: Int) -> DateComponents? {
        let local = (date.timeIntervalSince1970 + Double(offsetSeconds)).rounded(.down)
        guard local >= -2_208_988_800, local < 253_402_300_800 else { return nil }
        let seconds = Int(local)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let civil = LocalDate(daysSinceEpoch: days)
        var components = DateComponents()
        components.year = civil.year
        components.month = civil.month
        components.day = civil.day
        components.weekday = ((days + 4) % 7 + 7) % 7 + 1  // 1970-01-01 was a Thursday
        components.hour = secondOfDay / 3_600
        components.minute = secondOfDay / 60 % 60
        components.second = secondOfDay % 60
        return components
    }

    /// The local date and time from a Gregorian `Calendar` in `timeZone`.
    static func calendarLocalTime(_ date: Date, timeZone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
    }

    /// Zero-pads a non-negative number to `width` digits.
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `=_crier_` + 16 hex digits of FNV-1a-64 of the Message-ID, re-salted (`id#1`, `id#2`, ...) until absent from `bodies`.
    static func boundary(for messageID: String, absentFrom bodies: [[UInt8]]) -> String {
        var attempt = 0
        while true {
            let seed = attempt == 0 ? messageID : "\(messageID)#\(attempt)"
            let hex = String(fnv1a64(Array(seed.utf8)), radix: 16)
            let candidate = boundaryPrefix + String(repeating: "0", count: 16 - hex.count) + hex
            let needle = Array(candidate.utf8)
            if !bodies.contains(where: { occurs(needle, in: $0) }) { return candidate }
            attempt += 1
        }
    }

    /// `boundary(for:absentFrom:)` for bodies given as text.
    static func boundary(for messageID: String, avoiding bodies: [String]) -> String {
        boundary(for: messageID, absentFrom: bodies.map { Array($0.utf8) })
    }

    /// 64-bit FNV-1a: a stable, platform-independent hash (unlike `Hasher`, which is seeded per process).
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// True when `needle` occurs in `haystack` (an empty needle always does).
    static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                (0...(hay.count - pin.count)).contains { start in
                    hay[start] == pin[0] && memcmp(hay.baseAddress! + start, pin.baseAddress!, pin.count) == 0
                }
            }
        }
    }
}
