import CrierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Attachments from the disk: `file:` attachments only from inside `attachments_dir` (a path
/// that leads out of it, by `..` or a symbolic link, is refused before anything is read) and
/// `pdf:` attachments laid out from their markup by `PDFRenderer`.
package struct AttachmentStore: AttachmentSource {
    /// `attachments_dir`, absolute; nil when crier.yaml sets none.
    package let directory: String?

    /// A store over `directory`.
    package init(directory: String?) {
        self.directory = directory
    }

    /// The file's size, or why it cannot be attached.
    package func inspect(path: String) -> Result<Int, AttachmentProblem> {
        resolve(path).map(\.size)
    }

    /// The bytes: the PDF laid out from the markup, or the file read from attachments_dir.
    package func load(_ attachment: PlannedAttachment, created: Date) throws(AttachmentProblem) -> MailAttachment {
        if let markup = attachment.markup {
            do {
                let bytes = try PDFRenderer.render(markup: markup, title: attachment.filename, created: created)
                return MailAttachment(filename: attachment.filename, contentType: "application/pdf", data: bytes)
            } catch {
                throw AttachmentProblem("invalid-attachment: templates/\(attachment.pdf ?? "?").pdf.mustache: \(error). Fix the template's markup")
            }
        }
        guard let path = attachment.file else { throw AttachmentProblem("invalid-attachment: \(attachment.filename) has neither markup nor a file") }
        let file = try resolve(path).get()
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw AttachmentProblem("invalid-attachment: cannot read \(file.path)")
        }
        return MailAttachment(filename: attachment.filename, data: Array(data))
    }

    /// The real path and size of `path` under the directory, checked without opening it.
    private func resolve(_ path: String) -> Result<(path: String, size: Int), AttachmentProblem> {
        guard let directory else {
            return .failure(AttachmentProblem("invalid-attachment: \"\(path)\": crier.yaml sets no attachments_dir. Add attachments_dir: FOLDER"))
        }
        guard PlannedAttachment.staysInside(path) else {
            return .failure(AttachmentProblem("invalid-attachment: \"\(path)\" leads out of attachments_dir \(directory); it was not read"))
        }
        guard let root = Self.realPath(directory) else {
            return .failure(AttachmentProblem("invalid-attachment: attachments_dir \(directory) does not exist. Create it or fix crier.yaml"))
        }
        guard let full = Self.realPath(root + "/" + path) else {
            return .failure(AttachmentProblem("invalid-attachment: \"\(path)\" does not exist in attachments_dir \(directory)"))
        }
        guard full.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            return .failure(AttachmentProblem("invalid-attachment: \"\(path)\" leads out of attachments_dir \(directory) through a symbolic link; it was not read"))
        }
        var info = stat()
        guard stat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return .failure(AttachmentProblem("invalid-attachment: \"\(path)\" in attachments_dir \(directory) is not a regular file"))
        }
        return .success((full, Int(info.st_size)))
    }

    /// The canonical path (symbolic links, `.` and `..` resolved), nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
