/// Reads a file's bytes as UTF-8 text, or says where the first byte that is not UTF-8 is, so
/// that a file saved in Latin-1 or Windows-1252 is an error rather than U+FFFD in a message.
package enum UTF8Text {
    /// The text of `bytes`, or an error at `path`:LINE:BYTE-COLUMN (1-based, in bytes).
    package static func decode(_ bytes: [UInt8], path: String) -> Result<String, Diagnostic> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(text) }
        return .failure(problem(in: bytes, path: path))
    }

    /// The error for the first invalid byte of `bytes` (which must hold one).
    private static func problem(in bytes: [UInt8], path: String) -> Diagnostic {
        var lineStart = 0
        var line = 1
        var index = 0
        while index < bytes.count {
            let length = sequenceLength(bytes, at: index)
            if length == 0 { break }
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        let shown = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let byte = String(bytes[min(index, bytes.count - 1)], radix: 16, uppercase: true)
        return .error("the file is not valid UTF-8 text: byte 0x\(byte) at byte \(index - lineStart + 1) of line \(line)",
                      at: FileLocation(file: path, line: line, column: index - lineStart + 1),
                      hint: "Save the file as UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`)",
                      // The caret lines up only when the bytes before it are one character each.
                      sourceLine: bytes[lineStart..<index].allSatisfy { $0 < 0x80 } ? shown : nil)
    }

    /// The length of the valid UTF-8 sequence at `index`, or 0 when it is not one.
    private static func sequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count,
              String(validating: bytes[index..<index + length], as: UTF8.self) != nil else { return 0 }
        return length
    }
}
