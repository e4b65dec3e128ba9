import Foundation

/// An attachment as the plan carries it: deterministic text only. A PDF is carried as its
/// rendered Pango markup and laid out at delivery; a file as its path under `attachments_dir`
/// (and its size when planning could look), read at delivery.
package struct PlannedAttachment: Sendable, Equatable, Codable {
    /// The name the recipient sees.
    package var filename: String
    /// The PDF template's name (`templates/NAME.pdf.mustache`), for a PDF.
    package var pdf: String?
    /// The rendered Pango markup, for a PDF.
    package var markup: String?
    /// The path relative to `attachments_dir`, for a file.
    package var file: String?
    /// The file's size in bytes when planning checked it.
    package var size: Int?

    /// A PDF laid out from `markup` (rendered from template `template`).
    package init(filename: String, pdf template: String, markup: String) {
        self.filename = filename
        self.pdf = template
        self.markup = markup
    }

    /// A file at `path` under `attachments_dir`.
    package init(filename: String, file path: String) {
        self.filename = filename
        self.file = path
    }

    /// Whether `path` stays inside the folder it is relative to, by its text alone: not empty,
    /// not absolute, no `..` component, no NUL. Symbolic links are checked where files are read.
    package static func staysInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("\0")
            && !path.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }

    /// The attachment as ordered JSON for the plan.
    package var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("filename", .string(filename))]
        if let pdf { pairs.append(("pdf", .string(pdf))) }
        if let file { pairs.append(("file", .string(file))) }
        if let size { pairs.append(("size", .int(size))) }
        if let markup { pairs.append(("markup", .string(markup))) }
        return .object(pairs)
    }
}

/// Where attachments come from: files under `attachments_dir`, PDFs laid out from markup.
/// Planning asks it whether a file may be attached; delivery asks it for the bytes.
package protocol AttachmentSource: Sendable {
    /// The size of the file at `path` (relative to `attachments_dir`), or why it cannot be attached.
    func inspect(path: String) -> Result<Int, AttachmentProblem>
    /// The bytes of `attachment`; a PDF gets `created` as its creation date.
    func load(_ attachment: PlannedAttachment, created: Date) throws(AttachmentProblem) -> MailAttachment
}

/// Why an attachment cannot be attached; says which file and what to do.
package struct AttachmentProblem: Error, Equatable, CustomStringConvertible {
    /// One line for the plan's diagnostics, the ledger and `crier failures`.
    package var description: String

    /// A problem described by `description`.
    package init(_ description: String) {
        self.description = description
    }
}
