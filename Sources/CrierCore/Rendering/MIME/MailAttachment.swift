/// A file attached to an email, ready for MIME.
package struct MailAttachment: Sendable, Equatable {
    /// The name the recipient sees.
    package var filename: String
    /// The media type, e.g. `application/pdf`.
    package var contentType: String
    /// The content.
    package var data: [UInt8]

    /// An attachment; the media type follows the file name's extension unless given.
    package init(filename: String, contentType: String? = nil, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType ?? Self.contentType(forFilename: filename)
        self.data = data
    }

    /// The media type of a file name's extension; `application/octet-stream` when unknown.
    package static func contentType(forFilename name: String) -> String {
        let types = ["pdf": "application/pdf", "txt": "text/plain", "csv": "text/csv", "html": "text/html",
                     "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                     "zip": "application/zip", "json": "application/json", "xml": "application/xml",
                     "ics": "text/calendar", "doc": "application/msword",
                     "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        return types[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }
}
