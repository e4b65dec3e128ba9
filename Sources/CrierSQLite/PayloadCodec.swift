import CZlib
import Foundation
import GRDB

/// How the ledger stores an item's payload (the plan item's JSON): a BLOB holding the JSON's
/// byte count (4 bytes, little-endian) and then its zlib stream (RFC 1950), about half the
/// bytes of the text, so recording a plan and checkpointing it write half the pages. Payloads
/// recorded before `v8-compact-delivery` stay TEXT (the JSON itself) and read as before.
enum PayloadCodec {
    /// The stored form of `json`.
    static func pack(_ json: String) -> DatabaseValue {
        var text = json
        return text.withUTF8 { source -> DatabaseValue in
            var bound = compressBound(uLong(source.count))
            var out = [UInt8](repeating: 0, count: 4 + Int(bound))
            let count = UInt32(source.count)
            for shift in 0..<4 { out[shift] = UInt8(truncatingIfNeeded: count >> (8 * shift)) }
            let status = out.withUnsafeMutableBufferPointer { target in
                compress2(target.baseAddress! + 4, &bound, source.baseAddress, uLong(source.count), Z_BEST_SPEED)
            }
            // compress2 fails only without memory: the text is stored as it is, which reads back too.
            guard status == Z_OK else { return json.databaseValue }
            out.removeSubrange((4 + Int(bound))...)
            return Data(out).databaseValue
        }
    }

    /// The JSON of a stored payload (TEXT as it is, a BLOB inflated).
    static func unpack(_ value: DatabaseValue, id: String) throws -> Data {
        switch value.storage {
        case .string(let text):
            return Data(text.utf8)
        case .blob(let blob) where blob.count >= 4:
            let count = blob.prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            var out = Data(count: count)
            var length = uLong(count)
            let status = out.withUnsafeMutableBytes { target in
                blob.withUnsafeBytes { source in
                    uncompress(target.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                               source.baseAddress.map { $0.assumingMemoryBound(to: Bytef.self) + 4 }, uLong(source.count - 4))
                }
            }
            guard status == Z_OK, Int(length) == count else { throw PayloadError(id: id) }
            return out
        default:
            throw PayloadError(id: id)
        }
    }
}

/// Packs payloads as `PayloadCodec.pack` does, through one zlib stream reset from item to item:
/// `compress2` sets up a new stream per call, allocating about 270 KB and clearing its 64 KB hash
/// table (callgrind, 2,000 outbox emails: 67,000 of its 215,000 instructions per payload; here
/// 18,000, with a 16 KB hash table, `memLevel` 6: a payload fits one block). Most of the rest is
/// the block's Huffman codes, which zlib builds even with `Z_FIXED`. One recording uses one
/// compressor, on one thread.
final class PayloadCompressor {
    private var stream = z_stream()
    private let ready: Bool
    private var out: [UInt8] = []

    init() {
        ready = deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, MAX_WBITS, 6, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { deflateEnd(&stream) }
    }

    /// The stored form of `json` (a zlib stream after the length, as `PayloadCodec.unpack` reads).
    func pack(_ json: String) -> DatabaseValue {
        var text = json
        return text.withUTF8 { source -> DatabaseValue in
            guard ready, deflateReset(&stream) == Z_OK else { return PayloadCodec.pack(json) }
            let bound = Int(deflateBound(&stream, uLong(source.count)))
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: repeatElement(0, count: 4 + bound))
            let count = UInt32(source.count)
            for shift in 0..<4 { out[shift] = UInt8(truncatingIfNeeded: count >> (8 * shift)) }
            let status = out.withUnsafeMutableBufferPointer { target -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = target.baseAddress! + 4
                stream.avail_out = uInt(bound)
                defer { stream.next_in = nil; stream.next_out = nil }
                return deflate(&stream, Z_FINISH)
            }
            guard status == Z_STREAM_END else { return PayloadCodec.pack(json) }
            return Data(out[0..<(4 + bound - Int(stream.avail_out))]).databaseValue
        }
    }
}

/// A payload the ledger cannot read back (a damaged file).
struct PayloadError: Error, CustomStringConvertible {
    /// The item.
    var id: String

    var description: String {
        "the ledger's payload of item \(id) is damaged (item_payloads): restore the ledger from a backup, or delete the item's rows"
    }
}
