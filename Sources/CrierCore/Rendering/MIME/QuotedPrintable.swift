/// RFC 2045 quoted-printable body encoding with CRLF line ends, byte by byte.
package enum QuotedPrintable {
    /// Maximum encoded line length, excluding CRLF (RFC 2045 §6.7).
    package static let maxLineLength = 76

    /// Encodes UTF-8 `text` as quoted-printable; CRLF, bare LF and bare CR all become CRLF hard line breaks.
    package static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        encode(text, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the quoted-printable form of `text`'s UTF-8 bytes to `output` (no final line break).
    package static func encode(_ text: String, into output: inout [UInt8]) {
        var text = text
        text.withUTF8 { encode($0, into: &output) }
    }

    /// Appends the quoted-printable form of `input` to `output`: printable ASCII but `=` as itself,
    /// space and tab as themselves except before a line end, every other byte as `=XX`; a line
    /// longer than 76 characters gets `=` CRLF soft breaks, never inside an escape.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let count = input.count
        // At most 3 bytes a byte (an escape), and a 3-byte soft break for every 25 escapes;
        // a bare CR or LF becomes 2.
        output += [UInt8](unsafeUninitializedCapacity: count * 4 + 4) { buffer, written in
            var column = 0
            var index = 0
            var out = 0
            while index < count {
                let byte = input[index]
                index += 1
                if byte == 13 || byte == 10 {
                    buffer[out] = 13
                    buffer[out + 1] = 10
                    out += 2
                    column = 0
                    if byte == 13, index < count, input[index] == 10 { index += 1 }
                    continue
                }
                let atLineEnd = index == count || input[index] == 13 || input[index] == 10
                let literal = switch byte {
                case 9, 32: !atLineEnd
                case 33...60, 62...126: true
                default: false
                }
                let width = literal ? 1 : 3
                // Leave room for the soft-break `=` unless this byte ends the line.
                if column + width > (atLineEnd ? maxLineLength : maxLineLength - 1) {
                    buffer[out] = 61
                    buffer[out + 1] = 13
                    buffer[out + 2] = 10
                    out += 3
                    column = 0
                }
                if literal {
                    buffer[out] = byte
                } else {
                    buffer[out] = 61
                    buffer[out + 1] = hexDigit(byte >> 4)
                    buffer[out + 2] = hexDigit(byte & 0x0F)
                }
                out += width
                column += width
            }
            written = out
        }
    }

    /// The upper-case hex digit of a nibble (0-15), as used by `=XX` escapes.
    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 55 + nibble
    }
}
