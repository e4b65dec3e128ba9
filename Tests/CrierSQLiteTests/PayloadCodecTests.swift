import CrierCore
import Foundation
import GRDB
import Testing
@testable import CrierSQLite

@Suite("Payload codec")
struct PayloadCodecTests {
    let json = #"{"id":"i1","body":"Kia ora Aroha — Ngā mihi 🌿\n","html":"<p>Kia ora</p>"}"#

    @Test func aPayloadIsStoredCompressedAndReadsBackAsItsJSON() throws {
        let long = String(repeating: json, count: 20)
        let packed = PayloadCodec.pack(long)
        guard case .blob(let blob) = packed.storage else {
            Issue.record("not a blob: \(packed)")
            return
        }
        #expect(blob.count < long.utf8.count / 4, "repetitive JSON shrinks: \(blob.count) of \(long.utf8.count) bytes")
        #expect(try PayloadCodec.unpack(packed, id: "i1") == Data(long.utf8))
        #expect(try PayloadCodec.unpack(PayloadCodec.pack(json), id: "i1") == Data(json.utf8))
    }

    @Test func oneCompressorPacksPayloadAfterPayloadAsPackDoes() throws {
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
            guard case .blob(let alone) = PayloadCodec.pack(text).storage else { continue }
            #expect(blob.count <= alone.count + 16, "about as small as compress2's: \(blob.count) against \(alone.count)")
        }
    }

    @Test func aTextPayloadOfAnOlderLedgerReadsAsItIs() throws {
        #expect(try PayloadCodec.unpack(json.databaseValue, id: "i1") == Data(json.utf8))
    }

    @Test func aDamagedPayloadIsNamedByItsItem() throws {
        guard case .blob(var blob) = PayloadCodec.pack(json).storage else {
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
