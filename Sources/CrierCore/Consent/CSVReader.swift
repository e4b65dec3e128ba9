/// One record of a CSV file with the line it starts on (1-based).
package struct CSVRecord: Sendable, Equatable {
    /// The line the record starts on.
    package var line: Int
    /// The fields, unquoted.
    package var fields: [String]
    /// Why the record is malformed (an unclosed quote, text after a closing quote), if it is.
    package var problem: String?

    /// A record.
    package init(line: Int, fields: [String], problem: String? = nil) {
        self.line = line
        self.fields = fields
        self.problem = problem
    }
}

/// Splits RFC 4180 CSV text into records: comma-separated, fields optionally in double quotes,
/// `""` inside quotes for a quote, commas and line breaks allowed inside quotes, CRLF or LF.
package enum CSVReader {
    /// The records of `text`, blank lines left out. A leading byte-order mark is ignored.
    package static func records(_ text: String) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var line = 1, recordLine = 1
        var inQuotes = false, wasQuoted = false, afterQuote = false
        var problem: String?
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) {
                records.append(CSVRecord(line: recordLine, fields: fields, problem: problem))
            }
            fields = []; field = ""; problem = nil; wasQuoted = false; afterQuote = false
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if inQuotes {
                if character == "\"" {
                    if index < characters.count && characters[index] == "\"" {
                        field.unicodeScalars.append("\""); index += 1
                    } else {
                        inQuotes = false; afterQuote = true
                    }
                } else {
                    if character == "\n" { line += 1 }
                    field.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field); field = ""; afterQuote = false; wasQuoted = false
            case "\r" where index < characters.count && characters[index] == "\n":
                continue
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true; wasQuoted = true
            default:
                if afterQuote && problem == nil { problem = "text after a closing quote" }
                field.unicodeScalars.append(character)
            }
        }
        if inQuotes { problem = "a quoted field is not closed" }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
