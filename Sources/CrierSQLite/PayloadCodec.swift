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

/// A payload the ledger cannot read back (a damaged file).
struct PayloadError: Error, CustomStringConvertible {
    /// The item.
    var id: String

    var description: String {
        "the ledger's payload of item \(id) is damaged (item_payloads): restore the ledger from a backup, or delete the item's rows"
    }
}
