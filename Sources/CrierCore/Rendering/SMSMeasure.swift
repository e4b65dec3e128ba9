/// The character set an SMS is sent in: GSM-7 when every character is in GSM 03.38, otherwise UCS-2.
package enum SMSEncoding: String, Sendable, Hashable {
    /// GSM 03.38 default alphabet and its extension table, 7-bit septets.
    case gsm7 = "GSM-7"
    /// UTF-16 code units (16 bits each); needed by any character outside GSM 03.38, such as `ā` or an emoji.
    case ucs2 = "UCS-2"

    /// Units that fit in a single-segment message: 160 septets or 70 UTF-16 units.
    package var singleSegmentUnits: Int {
        switch self {
        case .gsm7: 160
        case .ucs2: 70
        }
    }

    /// Units per segment of a multi-segment message (the rest carries the concatenation header): 153 or 67.
    package var multiSegmentUnits: Int {
        switch self {
        case .gsm7: 153
        case .ucs2: 67
        }
    }
}

/// How big an SMS body is on the wire: encoding, units, segments (billed messages) and characters.
///
/// Segments follow the usual estimate: one if the units fit a single message, otherwise
/// `ceil(units / 153)` for GSM-7 or `ceil(units / 67)` for UCS-2. Some gateways never split a
/// two-septet extension character or a surrogate pair across segments, so a message whose
/// boundary falls inside one can be sent as one segment more than this says.
/// An empty body is measured as one GSM-7 segment of 0 units (sending it would still cost one
/// message); callers that must not send empty texts check for that themselves.
package struct SMSMeasure: Equatable, Sendable {
    /// GSM-7 if every Unicode scalar is in the GSM 03.38 default or extension table, else UCS-2.
    package let encoding: SMSEncoding
    /// Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2 (an emoji counts 2).
    package let units: Int
    /// Messages the body is split into; at least 1.
    package let segments: Int
    /// User-perceived characters (Swift `Character`s, grapheme clusters): `e` plus a combining accent is 1, `\r\n` is 1.
    package let characters: Int

    /// Measures `body` as it would be sent, without substituting any character.
    ///
    /// Counting is per Unicode scalar, not per `Character`: a decomposed `é` (e + U+0301) has a
    /// combining mark outside GSM 03.38, so the whole message becomes UCS-2. Tab is not in GSM 03.38.
    package static func of(_ body: String) -> SMSMeasure {
        var text = body
        if let measure = text.withUTF8(ofASCII) { return measure }
        var septets = 0
        var isGSM = true
        for scalar in body.unicodeScalars {
            if gsmBasic.contains(scalar) {
                septets += 1
            } else if gsmExtension.contains(scalar) {
                septets += 2
            } else {
                isGSM = false
                break
            }
        }
        return measure(isGSM ? .gsm7 : .ucs2, units: isGSM ? septets : body.utf16.count, characters: body.count)
    }

    /// A measure of `units` in `encoding`, split into segments.
    private static func measure(_ encoding: SMSEncoding, units: Int, characters: Int) -> SMSMeasure {
        let segments = units <= encoding.singleSegmentUnits ? 1 : (units + encoding.multiSegmentUnits - 1) / encoding.multiSegmentUnits
        return SMSMeasure(encoding: encoding, units: units, segments: segments, characters: characters)
    }

    /// `of` for ASCII text, on its bytes (one UTF-16 unit a byte; `\r\n` one character); nil for other text.
    private static func ofASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> SMSMeasure? {
        var septets = 0, isGSM = true, crlf = 0, previous: UInt8 = 0
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            let cost = asciiSeptets[Int(byte)]
            if cost == 0 { isGSM = false }
            septets += Int(cost)
            if byte == 0x0A, previous == 0x0D { crlf += 1 }
            previous = byte
        }
        return measure(isGSM ? .gsm7 : .ucs2, units: isGSM ? septets : bytes.count, characters: bytes.count - crlf)
    }

    /// Septets per ASCII byte: 1 in the basic set, 2 in the extension, 0 outside GSM 03.38.
    private static let asciiSeptets: [UInt8] = (0..<128).map { byte in
        let scalar = Unicode.Scalar(UInt8(byte))
        return gsmBasic.contains(scalar) ? 1 : gsmExtension.contains(scalar) ? 2 : 0
    }

    /// Whether the body goes out in at most `maxSegments` messages.
    package func fits(maxSegments: Int) -> Bool {
        segments <= maxSegments
    }

    /// The GSM 03.38 default alphabet (one septet each), in table order; 0x1B (escape) is not a character.
    static let gsmBasic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars
    )

    /// The GSM 03.38 extension table (escape + one septet each): form feed and `^ { } \ [ ~ ] | €`.
    static let gsmExtension: Set<Unicode.Scalar> = ["\u{0C}", "^", "{", "}", "\\", "[", "~", "]", "|", "€"]
}
