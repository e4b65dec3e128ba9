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
/// Written as 32 hex digits in plans (and in PostgreSQL), as 16 bytes in the SQLite ledger.
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
        guard hex.count == 32, let a = Self.word(hex, 0), let b = Self.word(hex, 8), let c = Self.word(hex, 16),
              let d = Self.word(hex, 24) else { return nil }
        first = UInt64(a) << 32 | UInt64(b)
        second = UInt64(c) << 32 | UInt64(d)
    }

    /// The value of the 8 lower-case hex digits at `offset`, all eight at once in one word
    /// (a million stored keys are read at each run); nil when one is not 0-9 or a-f.
    @inline(__always)
    private static func word(_ hex: UnsafeRawBufferPointer, _ offset: Int) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let bytes = UInt64(littleEndian: hex.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        guard bytes & highs == 0 else { return nil }
        // Per byte, the high bit of `bytes + (0x80 - n)` is set when the byte is n or more
        // (no carry between bytes: each is below 0x80).
        func atLeast(_ n: UInt64) -> UInt64 { (bytes &+ (0x80 - n) &* ones) & highs }
        let digits = atLeast(0x30) & ~atLeast(0x3a), letters = atLeast(0x61) & ~atLeast(0x67)
        guard digits | letters == highs else { return nil }
        // A digit's value is its low nibble; a letter's (bit 6 set) that plus 9. The first
        // digit becomes the highest nibble: byte-swap, then join neighbours twice.
        let nibbles = ((bytes & 0x0f0f_0f0f_0f0f_0f0f) &+ (bytes >> 6 & ones) &* 9).byteSwapped
        let pairs = (nibbles >> 4 | nibbles) & 0x00ff_00ff_00ff_00ff
        let quads = (pairs >> 8 | pairs) & 0x0000_ffff_0000_ffff
        return UInt32(truncatingIfNeeded: quads >> 16 | quads)
    }

    /// Reads the 16 bytes `bytes` writes; nil for any other length.
    package init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        first = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        second = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// The two words, big-endian: 16 bytes, half the hex digits' size (how the SQLite ledger keeps it).
    package var bytes: [UInt8] {
        withUnsafeBytes(of: (first.bigEndian, second.bigEndian)) { Array($0) }
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
