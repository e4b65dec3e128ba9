import Foundation
import Testing
@testable import CrierCore

/// `multipart/mixed` serialisation of messages with attachments.
@Suite struct EmailAttachmentTests {
    static func message(html: String? = nil, attachments: [MailAttachment]) -> EmailMessage {
        var message = EmailMessageTests.plainMessage()
        message.html = html
        message.attachments = attachments
        return message
    }

    static let pdf = MailAttachment(filename: "Job J1.pdf", data: Array(repeating: 0xA5, count: 100))

    @Test func textAndAttachmentAreMixedParts() throws {
        let text = String(decoding: try Self.message(attachments: [Self.pdf]).serialize(includeBcc: false), as: UTF8.self)
        let boundary = try #require(text.firstMatch(of: /Content-Type: multipart\/mixed; boundary="([^"]+)"/)?.1)
        #expect(text.contains("--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nKia ora John,"))
        #expect(text.contains("--\(boundary)\r\nContent-Type: application/pdf; name=\"Job J1.pdf\"\r\nContent-Disposition: attachment; filename=\"Job J1.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"))
        #expect(text.hasSuffix("\r\n--\(boundary)--\r\n"))
        let base64 = Data(Self.pdf.data).base64EncodedString()
        #expect(text.contains(String(base64.prefix(76)) + "\r\n" + String(base64.dropFirst(76)) + "\r\n"))
    }

    @Test func anHTMLAlternativeNestsInsideTheMixedMessage() throws {
        let text = String(decoding: try Self.message(html: "<p>Kia ora</p>", attachments: [Self.pdf]).serialize(includeBcc: false), as: UTF8.self)
        let mixed = try #require(text.firstMatch(of: /Content-Type: multipart\/mixed; boundary="([^"]+)"/)?.1)
        let alternative = try #require(text.firstMatch(of: /Content-Type: multipart\/alternative; boundary="([^"]+)"/)?.1)
        #expect(mixed != alternative)
        #expect(text.contains("--\(mixed)\r\nContent-Type: multipart/alternative; boundary=\"\(alternative)\""))
        #expect(text.range(of: "--\(alternative)--")!.lowerBound < text.range(of: "--\(mixed)\r\nContent-Type: application/pdf")!.lowerBound)
    }

    @Test func aNonASCIIFileNameIsWrittenTheRFC2231Way() throws {
        let attachment = MailAttachment(filename: "Pūrongo \"A\".pdf", data: [1, 2, 3])
        let text = String(decoding: try Self.message(attachments: [attachment]).serialize(includeBcc: false), as: UTF8.self)
        #expect(text.contains("Content-Disposition: attachment; filename*=utf-8''P%C5%ABrongo%20%22A%22.pdf\r\n"))
        #expect(text.contains("Content-Type: application/pdf; name*=utf-8''P%C5%ABrongo%20%22A%22.pdf\r\n"))
    }

    @Test func aFileNameWithALineBreakIsRefused() {
        let attachment = MailAttachment(filename: "a\r\nBcc: x@y.example", data: [1])
        #expect(throws: MIMEError.invalidHeader(name: "filename")) { try Self.message(attachments: [attachment]).serialize(includeBcc: false) }
    }

    @Test func contentTypesFollowTheExtension() {
        #expect(MailAttachment(filename: "a.PDF", data: []).contentType == "application/pdf")
        #expect(MailAttachment(filename: "terms.txt", data: []).contentType == "text/plain")
        #expect(MailAttachment(filename: "noext", data: []).contentType == "application/octet-stream")
    }

    @Test func pathsThatLeaveTheFolderByTheirText() {
        #expect(PlannedAttachment.staysInside("sheets/a.pdf"))
        #expect(PlannedAttachment.staysInside("a..b.pdf"))
        #expect(!PlannedAttachment.staysInside("../a.pdf"))
        #expect(!PlannedAttachment.staysInside("sheets/../../a.pdf"))
        #expect(!PlannedAttachment.staysInside("/etc/passwd"))
        #expect(!PlannedAttachment.staysInside(""))
    }
}
