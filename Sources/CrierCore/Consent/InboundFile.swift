import Foundation

/// One inbound SMS reply read from a CSV file.
package struct InboundReply: Sendable, Equatable {
    /// The line of the file it starts on.
    package var line: Int
    /// The sender in E.164.
    package var from: String
    /// The message text.
    package var body: String
    /// When it arrived (UTC ISO 8601, normalised so that replies compare by text).
    package var receivedAt: String
    /// What it asks for; nil for any other text.
    package var keyword: InboundKeyword?

    /// A reply.
    package init(line: Int, from: String, body: String, receivedAt: String, keyword: InboundKeyword?) {
        self.line = line
        self.from = from
        self.body = body
        self.receivedAt = receivedAt
        self.keyword = keyword
    }
}

/// A CSV file of inbound SMS replies (header `from,body,received_at`), read into replies and
/// located problems. A bad row is a problem, never a stop: the other rows are still read.
package struct InboundFile: Sendable {
    /// The replies that could be read, in file order.
    package var replies: [InboundReply]
    /// One per bad row: `FILE:LINE: error: ...`.
    package var problems: [Diagnostic]

    /// The header the file must start with.
    package static let header = ["from", "body", "received_at"]

    /// Why the file cannot be read at all.
    package struct HeaderError: Error, Sendable, CustomStringConvertible {
        /// The file.
        package var path: String
        /// The header found (or empty).
        package var found: [String]
        /// `FILE:1: error: ...`.
        package var description: String {
            let shown = found.isEmpty ? "an empty file" : "\"\(found.joined(separator: ","))\""
            return Diagnostic.error("the header must be \"\(header.joined(separator: ","))\", found \(shown)", at: FileLocation(file: path, line: 1),
                                    hint: "Export the replies with those three columns, in that order").description
        }
    }

    /// Reads `text` (shown as `path`). Numbers are read in `region`; times must carry an offset.
    package static func read(path: String, text: String, region: PhoneRegion) throws(HeaderError) -> InboundFile {
        let records = CSVReader.records(text)
        guard let first = records.first,
              first.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == header else {
            throw HeaderError(path: path, found: records.first?.fields ?? [])
        }
        var replies: [InboundReply] = []
        var problems: [Diagnostic] = []
        func bad(_ record: CSVRecord, _ message: String, hint: String? = nil) {
            problems.append(.error(message, at: FileLocation(file: path, line: record.line), hint: hint))
        }
        for record in records.dropFirst() {
            if let problem = record.problem {
                bad(record, "row skipped: \(problem)", hint: "Quote fields as in RFC 4180: \"text, with \"\"quotes\"\"\"")
                continue
            }
            guard record.fields.count == 3 else {
                bad(record, "row skipped: it has \(record.fields.count) field(s), not 3 (from,body,received_at)",
                    hint: "Quote a body that holds a comma")
                continue
            }
            let rawFrom = record.fields[0].trimmingCharacters(in: .whitespaces)
            guard case .success(let number) = PhoneNumber.parse(rawFrom, defaultRegion: region) else {
                bad(record, "row skipped: \"from\" is not a mobile number crier can read: \"\(rawFrom)\"",
                    hint: "Use E.164 (+64211234567) or a national number of the default region")
                continue
            }
            let rawTime = record.fields[2].trimmingCharacters(in: .whitespaces)
            guard let received = Timestamp.parseISO(rawTime) else {
                bad(record, "row skipped: \"received_at\" is not an ISO 8601 time with an offset: \"\(rawTime)\"",
                    hint: "Write 2026-11-23T17:00:00+13:00 or 2026-11-23T04:00:00Z")
                continue
            }
            let body = record.fields[1]
            replies.append(InboundReply(line: record.line, from: number.e164, body: body, receivedAt: Timestamp.utc(received),
                                        keyword: InboundKeyword.classify(body)))
        }
        return InboundFile(replies: replies, problems: problems)
    }
}
