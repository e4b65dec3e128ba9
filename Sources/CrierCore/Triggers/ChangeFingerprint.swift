/// 64-bit FNV-1a, stable across processes (unlike `Hasher`), for change fingerprints.
struct FNV {
    /// FNV-1a's 64-bit prime.
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    private(set) var value: UInt64

    init(basis: UInt64) { value = basis }

    /// Adds `text`'s UTF-8 bytes and a separator.
    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    /// Adds `bytes` and a separator.
    @inline(__always)
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* Self.prime
        }
        hash ^= 0x1f
        value = hash &* Self.prime
    }
}

/// The change trigger's fingerprint of one key: two order-independent sums of 64-bit FNV-1a
/// hashes of each row's recipient and watched values (the second one XOR the row count).
/// Written as 32 hex digits in plans and in the ledger.
package struct ChangeFingerprint: Sendable, Hashable {
    /// The first sum.
    package var first: UInt64
    /// The second sum, XOR the number of rows.
    package var second: UInt64

    /// A fingerprint of two words.
    package init(first: UInt64, second: UInt64) {
        self.first = first
        self.second = second
    }

    /// Reads 32 lower-case hex digits (as `hex` writes them); nil for anything else.
    package init?(hex: UnsafeRawBufferPointer) {
        guard hex.count == 32 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        // Branch-free: a digit or a-f is valid; its value is its low nibble, plus 9 for letters.
        var valid: UInt32 = 1
        for index in 0..<16 {
            let high = UInt32(hex[index]), low = UInt32(hex[16 + index])
            valid &= Self.isHexDigit(high) & Self.isHexDigit(low)
            words.0 = words.0 << 4 | UInt64((high & 0xf) &+ 9 &* (high >> 6))
            words.1 = words.1 << 4 | UInt64((low & 0xf) &+ 9 &* (low >> 6))
        }
        guard valid == 1 else { return nil }
        first = words.0
        second = words.1
    }

    /// 1 for the bytes of 0-9 and a-f, else 0.
    @inline(__always)
    private static func isHexDigit(_ byte: UInt32) -> UInt32 {
        (((byte &- 0x30) & 0xff) &- 10) >> 31 | (((byte &- 0x61) & 0xff) &- 6) >> 31
    }

    /// Reads 32 lower-case hex digits; nil for anything else.
    package init?(hex: String) {
        var text = hex
        guard let value = text.withUTF8({ ChangeFingerprint(hex: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = value
    }

    /// 32 lower-case hex digits.
    package var hex: String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            let digits: StaticString = "0123456789abcdef"
            let table = digits.utf8Start
            for index in 0..<16 {
                buffer[index] = table[Int(first >> UInt64(60 - 4 * index) & 0xf)]
                buffer[16 + index] = table[Int(second >> UInt64(60 - 4 * index) & 0xf)]
            }
            return 32
        }
    }
}

/// A key's fingerprint as its rows stream in: the running sums and the row count.
struct FingerprintSum {
    /// The FNV bases of the two sums.
    static let bases: (UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4)

    var first: UInt64 = 0
    var second: UInt64 = 0
    var rows: UInt32 = 0

    /// Adds one row's two hashes.
    @inline(__always)
    mutating func add(_ hashes: (UInt64, UInt64)) {
        first &+= hashes.0
        second &+= hashes.1
        rows &+= 1
    }

    /// The fingerprint of the rows added.
    var fingerprint: ChangeFingerprint { ChangeFingerprint(first: first, second: second ^ UInt64(rows)) }
}
