import CrierCore
import CZlib
import CZstd
import Foundation
import GRDB

/// How the ledger stores an item's payload (the plan item's JSON): a BLOB holding the JSON's
/// byte count (4 bytes, little-endian) and then a zstd frame (level 1, with its checksum, so a
/// damaged payload is found out rather than read as another text), about half the bytes of
/// the text, so recording a plan and checkpointing it write half the pages. Ledgers keep what
/// earlier versions wrote and read it as before: a zlib stream (RFC 1950) after the count, from
/// `v8-compact-delivery` until `v10-zstd-payloads`, and TEXT (the JSON itself) before.
/// `PayloadCompressor` packs them.
enum PayloadCodec {
    /// The JSON of a stored payload (TEXT as it is, a BLOB decompressed).
    static func unpack(_ value: DatabaseValue, id: String) throws -> Data {
        switch value.storage {
        case .string(let text):
            return Data(text.utf8)
        case .blob(let blob) where blob.count >= 4:
            let count = blob.prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
            var out = Data(count: count)
            let produced = out.withUnsafeMutableBytes { target in
                blob.withUnsafeBytes { source -> Int? in
                    let frame = UnsafeRawBufferPointer(rebasing: source[4...])
                    if frame.count >= 4, frame.loadUnaligned(as: UInt32.self).littleEndian == ZSTD_MAGICNUMBER {
                        let size = ZSTD_decompress(target.baseAddress, count, frame.baseAddress, frame.count)
                        return ZSTD_isError(size) == 0 ? size : nil
                    }
                    var length = uLong(count)
                    let status = uncompress(target.baseAddress?.assumingMemoryBound(to: Bytef.self), &length,
                                            frame.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(frame.count))
                    return status == Z_OK ? Int(length) : nil
                }
            }
            guard produced == count else { throw PayloadError(id: id) }
            return out
        default:
            throw PayloadError(id: id)
        }
    }
}

/// Packs payloads with one zstd context kept from item to item, at level 1. It replaced zlib:
/// `compress2` set up a new stream for every payload and built the block's Huffman codes, about
/// 215,000 instructions for a 1.3 KB payload (594 bytes); zstd takes about 79,000 (639 bytes and
/// its 4-byte checksum; callgrind, the payloads of 2,000 outbox emails). A compressor is used by one
/// thread at a time.
final class PayloadCompressor {
    private let context: OpaquePointer?
    private var out: [UInt8] = []

    init() {
        context = ZSTD_createCCtx()
        if let context {
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 1)
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
    }

    /// The stored form of `json`: its byte count, then its zstd frame; the text itself, which
    /// reads back too, should zstd fail (it fails only without memory).
    func pack(_ json: String) -> DatabaseValue {
        var text = json
        return text.withUTF8 { source -> DatabaseValue in
            guard let context else { return json.databaseValue }
            let bound = ZSTD_compressBound(source.count)
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: repeatElement(0, count: 4 + bound))
            let count = UInt32(source.count)
            for shift in 0..<4 { out[shift] = UInt8(truncatingIfNeeded: count >> (8 * shift)) }
            let size = out.withUnsafeMutableBufferPointer { target in
                ZSTD_compress2(context, target.baseAddress! + 4, bound, source.baseAddress, source.count)
            }
            guard ZSTD_isError(size) == 0 else { return json.databaseValue }
            return Data(out[0..<(4 + size)]).databaseValue
        }
    }
}

/// The stored payloads of the items a recording writes, packed a batch ahead on another thread
/// while the recording inserts the batch before: the JSON and its zstd frame are about 130,000
/// of the 320,000 instructions an item's recording costs, and SQLite's inserts the rest, so on
/// two cores the packing comes off the run's path to its first message (docs/benchmarks.md,
/// "Payloads packed a batch ahead"). One batch is packed at a time, with one compressor.
final class PayloadsAhead: @unchecked Sendable {
    /// Items packed at once: a batch of 1.3 KB payloads is about 190 KB.
    static let batchSize = 256
    private let items: [PlanItem]
    private let compressor = PayloadCompressor()
    /// The batch `payload(_:)` reads from, and its number.
    private var current: [DatabaseValue] = []
    private var currentBatch = -1
    /// The batch being packed (read once `packed` is signalled), and its number.
    private var next: [DatabaseValue] = []
    private var nextBatch = 0
    private let packed = DispatchSemaphore(value: 0)

    /// Payloads for `items` (the ones the recording may write, in its order); packing starts now.
    init(_ items: [PlanItem]) {
        self.items = items
        pack(batch: 0)
    }

    /// The payload of `items[index]`; indexes are asked in increasing order.
    func payload(_ index: Int) -> DatabaseValue {
        let batch = index / Self.batchSize
        while currentBatch < batch {
            packed.wait()
            swap(&current, &next)
            currentBatch = nextBatch
            pack(batch: currentBatch + 1)
        }
        return current[index - batch * Self.batchSize]
    }

    /// Packs batch `batch` on another thread (nothing when there is none).
    private func pack(batch: Int) {
        guard batch * Self.batchSize < items.count else { return }
        let range = batch * Self.batchSize..<min((batch + 1) * Self.batchSize, items.count)
        nextBatch = batch
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            next = range.map { compressor.pack(items[$0].json.compact()) }
            packed.signal()
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
