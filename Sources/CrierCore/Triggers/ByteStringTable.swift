import Foundation

/// Byte strings (UTF-8 keys, recipients) interned to dense ids 0, 1, 2... in one arena, with an
/// open-addressing index: a million keys cost a few bytes each, not a String and a dictionary
/// entry each. Strings are equal when their bytes are.
struct ByteStringTable {
    private var arena: [UInt8] = []
    /// Where string `id` ends in the arena (it starts where `id - 1` ends).
    private var ends: [UInt32] = []
    /// The index: 0 where empty, else the hash's high half and `id + 1` in the low half, so
    /// that probing compares bytes only when the hashes agree. Never more than half full.
    private var slots: [UInt64] = Array(repeating: 0, count: 16)
    /// Strings below this id were added in ascending byte order by `appendAscending` and are
    /// not in the index: `find` searches them by halving, until it has had to do so often
    /// enough that indexing them pays.
    private var ascendingCount = 0
    private var searches = 0

    /// How many strings the table holds.
    var count: Int { ends.count }

    /// An empty table.
    init() {}

    /// The id of `bytes`, if the table holds them.
    mutating func find(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        if ascendingCount > 0 {
            if let id = search(bytes) { return id }
            searches += 1
            if searches > 1024 { indexAscending() }
        }
        let hash = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            let tag = hash & 0xffff_ffff_0000_0000
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if entry & 0xffff_ffff_0000_0000 == tag {
                    let id = Int32(truncatingIfNeeded: entry) - 1
                    if equals(id, bytes) { return id }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The id of `bytes`, adding them when new.
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> (id: Int32, isNew: Bool) {
        if let id = find(bytes) { return (id, false) }
        return (appendNew(bytes), true)
    }

    /// Adds `bytes` without indexing them when every string so far was added this way and
    /// `bytes` sorts after the last one (so they are new); false, adding nothing, otherwise.
    mutating func appendAscending(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard ascendingCount == count, lastPrecedes(bytes) else { return false }
        store(bytes)
        ascendingCount += 1
        return true
    }

    /// Adds `bytes`, which the caller knows the table does not hold yet; returns their id.
    @discardableResult
    mutating func appendNew(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let id = store(bytes)
        if 2 * (count - ascendingCount) > slots.count {
            rehash(2 * slots.count)
        } else {
            Self.place(id, hash: Self.hash(bytes), in: &slots)
        }
        return id
    }

    @discardableResult
    private mutating func store(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        precondition(arena.count + bytes.count <= Int(UInt32.max) && ends.count < Int(Int32.max) - 1, "too many change-trigger keys")
        // As typed bytes, which `append` copies at once (raw ones it would take one at a time).
        arena.append(contentsOf: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
        ends.append(UInt32(arena.count))
        return Int32(ends.count - 1)
    }

    /// The id of `bytes` among the ascending strings, by halving.
    private func search(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        var low = 0, high = ascendingCount
        while low < high {
            let middle = (low + high) / 2
            let order = withBytes(Int32(middle)) { Self.compare($0, bytes) }
            if order == 0 { return Int32(middle) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Puts the ascending strings in the index too.
    private mutating func indexAscending() {
        ascendingCount = 0
        var size = slots.count
        while size < 2 * count { size *= 2 }
        rehash(size)
    }

    /// memcmp order, shorter first on a tie.
    private static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let common = min(a.count, b.count)
        if common > 0 {
            let order = memcmp(a.baseAddress!, b.baseAddress!, common)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    /// Whether string `id` is `bytes`.
    @inline(__always)
    func equals(_ id: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let index = Int(id)
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        guard end - start == bytes.count else { return false }
        if bytes.isEmpty { return true }
        return arena.withUnsafeBytes { arena in Self.same(UnsafeRawBufferPointer(rebasing: arena[start..<end]), bytes) }
    }

    /// Whether `a` and `b`, of the same length, hold the same bytes: eight at a time, without
    /// a call for the short strings keys and recipients are.
    @inline(__always)
    private static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let count = a.count
        guard count <= 32 else { return memcmp(a.baseAddress!, b.baseAddress!, count) == 0 }
        var offset = 0, difference: UInt64 = 0
        while offset + 8 <= count {
            difference |= a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            difference |= UInt64(a[offset] ^ b[offset])
            offset += 1
        }
        return difference == 0
    }

    /// The bytes of `id`.
    @inline(__always)
    func withBytes<Result>(_ id: Int32, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        let index = Int(id)
        let start = index == 0 ? 0 : Int(ends[index - 1])
        let end = Int(ends[index])
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// `id` as a String.
    func string(_ id: Int32) -> String {
        withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether `a` sorts before `b` by bytes (code points for UTF-8; Swift's order for NFC text).
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        withBytes(a) { left in withBytes(b) { right in Self.compare(left, right) < 0 } }
    }

    /// Whether the last string added sorts before `bytes` (true when the table is empty).
    func lastPrecedes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !ends.isEmpty else { return true }
        return withBytes(Int32(ends.count - 1)) { Self.compare($0, bytes) < 0 }
    }

    private static func place(_ id: Int32, hash: UInt64, in slots: inout [UInt64]) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = hash & 0xffff_ffff_0000_0000 | UInt64(UInt32(id + 1))
    }

    private mutating func rehash(_ size: Int) {
        var fresh = [UInt64](repeating: 0, count: size)
        arena.withUnsafeBytes { arena in
            for index in ascendingCount..<ends.count {
                let start = index == 0 ? 0 : Int(ends[index - 1])
                Self.place(Int32(index), hash: Self.hash(UnsafeRawBufferPointer(rebasing: arena[start..<Int(ends[index])])), in: &fresh)
            }
        }
        slots = fresh
    }

    /// A hash of the bytes, eight at a time (in memory only: it need not be stable), with a
    /// 64-bit finaliser so that the low bits (the slot) and the high ones (the tag) mix well.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
        var hash = UInt64(bytes.count) &* multiplier
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 32
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in offset..<bytes.count { tail = tail << 8 | UInt64(bytes[index]) }
            hash = (hash ^ tail) &* multiplier
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
