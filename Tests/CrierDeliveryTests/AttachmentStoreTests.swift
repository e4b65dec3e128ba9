import CrierCore
import Foundation
import Testing
@testable import CrierDelivery

@Suite("Attachment store")
final class AttachmentStoreTests {
    let root = NSTemporaryDirectory() + "crier-attach-\(UUID().uuidString)"
    var store: AttachmentStore { AttachmentStore(directory: root + "/attachments") }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    init() throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/attachments/sheets", withIntermediateDirectories: true)
        try "terms\n".write(toFile: root + "/attachments/sheets/terms.txt", atomically: true, encoding: .utf8)
        try "secret\n".write(toFile: root + "/secret.txt", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: root + "/attachments/out.txt", withDestinationPath: root + "/secret.txt")
        try fm.createSymbolicLink(atPath: root + "/attachments/in.txt", withDestinationPath: "sheets/terms.txt")
    }

    @Test func aFileInsideIsMeasuredAndRead() throws {
        #expect(try store.inspect(path: "sheets/terms.txt").get() == 6)
        #expect(try store.inspect(path: "in.txt").get() == 6, "a link that stays inside is fine")
        let attachment = try store.load(PlannedAttachment(filename: "Terms.txt", file: "sheets/terms.txt"), created: Date())
        #expect(attachment == MailAttachment(filename: "Terms.txt", contentType: "text/plain", data: Array("terms\n".utf8)))
    }

    @Test func pathsLeavingTheFolderAreRefusedBeforeReading() {
        for (path, why) in [("../secret.txt", "leads out of attachments_dir"), ("out.txt", "through a symbolic link"),
                            ("sheets/missing.txt", "does not exist"), ("sheets", "is not a regular file")] {
            guard case .failure(let problem) = store.inspect(path: path) else {
                Issue.record("\(path) was accepted")
                continue
            }
            #expect(problem.description.hasPrefix("invalid-attachment: \"\(path)\""))
            #expect(problem.description.contains(why), "\(problem)")
        }
        #expect(throws: AttachmentProblem.self) { try store.load(PlannedAttachment(filename: "x", file: "out.txt"), created: Date()) }
    }

    @Test func withoutAttachmentsDirNothingIsRead() {
        guard case .failure(let problem) = AttachmentStore(directory: nil).inspect(path: "sheets/terms.txt") else {
            Issue.record("accepted")
            return
        }
        #expect(problem.description.contains("crier.yaml sets no attachments_dir"))
    }

    @Test func aPDFIsLaidOutFromItsMarkup() throws {
        let attachment = try store.load(PlannedAttachment(filename: "Job.pdf", pdf: "job-sheet", markup: "<b>Job</b>"), created: Date())
        #expect(attachment.contentType == "application/pdf")
        #expect(attachment.data.starts(with: Array("%PDF-".utf8)))
    }
}
