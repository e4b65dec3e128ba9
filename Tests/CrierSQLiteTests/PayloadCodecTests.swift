import CrierCore
import CrierTestSupport
import CZlib
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

@Suite("Payload codec")
struct PayloadCodecTests {
    let json = #"{"id":"i1","body":"Kia ora Aroha — Ngā mihi 🌿\n","html":"<p>Kia ora</p>"}"#

    @Test func aPayloadIsStoredCompressedAndReadsBackAsItsJSON() throws {
        let long = String(repeating: json, count: 20)
        let packed = PayloadCompressor().pack(long)
        guard case .blob(let blob) = packed.storage else {
            Issue.record("not a blob: \(packed)")
            return
        }
        #expect(blob.count < long.utf8.count / 4, "repetitive JSON shrinks: \(blob.count) of \(long.utf8.count) bytes")
        #expect(try PayloadCodec.unpack(packed, id: "i1") == Data(long.utf8))
        #expect(try PayloadCodec.unpack(PayloadCompressor().pack(json), id: "i1") == Data(json.utf8))
    }

    @Test func oneCompressorPacksPayloadAfterPayloadAsAFreshOneDoes() throws {
        // Reset between payloads: each reads back alone, whatever came before it, empty ones too.
        let compressor = PayloadCompressor()
        let texts = [String(repeating: json, count: 20), json, "", String(repeating: "x", count: 70_000), json + "{}"]
        for text in texts {
            let packed = compressor.pack(text)
            guard case .blob(let blob) = packed.storage else {
                Issue.record("not a blob: \(packed)")
                continue
            }
            #expect(try PayloadCodec.unpack(packed, id: "i1") == Data(text.utf8))
            guard case .blob(let alone) = PayloadCompressor().pack(text).storage else { continue }
            #expect(blob == alone, "the same bytes as a payload packed alone")
        }
    }

    @Test func aZlibPayloadOfAnOlderLedgerReadsAsItIs() throws {
        // What `v8-compact-delivery` up to `v10-zstd-payloads` wrote: the count, then a zlib stream.
        let text = String(repeating: json, count: 5)
        var bound = compressBound(uLong(text.utf8.count))
        var stream = [UInt8](repeating: 0, count: Int(bound))
        #expect(compress2(&stream, &bound, Array(text.utf8), uLong(text.utf8.count), Z_BEST_SPEED) == Z_OK)
        let count = UInt32(text.utf8.count)
        let blob = (0..<4).map { UInt8(truncatingIfNeeded: count >> (8 * $0)) } + stream[..<Int(bound)]
        #expect(try PayloadCodec.unpack(Data(blob).databaseValue, id: "i1") == Data(text.utf8))
        guard case .blob(let packed) = PayloadCompressor().pack(text).storage else {
            Issue.record("not a blob")
            return
        }
        #expect(Array(packed[4..<8]) == [0x28, 0xB5, 0x2F, 0xFD], "new payloads are zstd frames")
    }

    @Test func payloadsPackedAheadAreEachItemsOwnWhateverTheRecordingSkips() throws {
        // Three batches and a part; asked in increasing order with gaps, a whole batch skipped
        // (items the recording did not change), as `LedgerStore.record` asks.
        let count = PayloadsAhead.batchSize * 3 + 17
        let items = (0..<count).map { LedgerConformance.item("k\($0)") }
        let asked = (0..<count).filter { index in
            !(PayloadsAhead.batchSize..<2 * PayloadsAhead.batchSize).contains(index) && index % 7 != 3
        }
        let payloads = PayloadsAhead(items)
        for index in asked {
            let json = try PayloadCodec.unpack(payloads.payload(index), id: items[index].id)
            #expect(json == Data(items[index].json.compact().utf8), "item \(index)")
        }
        #expect(asked.last == count - 1, "the last, lone item of the last batch too")
    }

    @Test func aTextPayloadOfAnOlderLedgerReadsAsItIs() throws {
        #expect(try PayloadCodec.unpack(json.databaseValue, id: "i1") == Data(json.utf8))
    }

    @Test func aDamagedPayloadIsNamedByItsItem() throws {
        guard case .blob(var blob) = PayloadCompressor().pack(json).storage else {
            Issue.record("not a blob")
            return
        }
        blob[blob.count - 3] ^= 0xFF
        let error = #expect(throws: PayloadError.self) { try PayloadCodec.unpack(blob.databaseValue, id: "i7") }
        #expect(error?.description.contains("item i7") == true && error?.description.contains("item_payloads") == true)
        #expect(throws: PayloadError.self) { try PayloadCodec.unpack(Data([1, 2]).databaseValue, id: "i7") }
        #expect(throws: PayloadError.self) { try PayloadCodec.unpack(DatabaseValue.null, id: "i7") }
    }
}
