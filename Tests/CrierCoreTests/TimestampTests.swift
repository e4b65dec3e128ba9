import Foundation
import Testing
@testable import CrierCore

@Suite("Timestamp")
struct TimestampTests {
    @Test(arguments: [
        ("2026-11-24T20:30:00Z", 1_795_552_200.0),
        ("2026-11-25T09:30:00+13:00", 1_795_552_200.0),
        ("2026-11-25T09:30:00+1300", 1_795_552_200.0),
        ("2026-11-25T09:30:00+13", 1_795_552_200.0),
        ("2026-11-24 20:30:00Z", 1_795_552_200.0),
        ("2026-11-24T20:30Z", 1_795_552_200.0),
        ("2026-11-24T20:30:00.250Z", 1_795_552_200.25),
        ("2026-11-24T15:30:00-05:00", 1_795_552_200.0),
    ])
    func parsesISOWithOffset(text: String, seconds: Double) {
        #expect(Timestamp.parse(.text(text))?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-11-24T20:30:00", "2026-02-30T00:00:00Z", "2026-11-24", "tomorrow", "2026-11-24T25:00:00Z", "2026-11-24T20:30:00Zjunk", ""])
    func refusesTextWithoutOffsetOrInvalid(text: String) {
        #expect(Timestamp.parse(.text(text)) == nil)
    }

    @Test func readsUnixSecondsAsIntegerOrText() {
        #expect(Timestamp.parse(.integer(1_795_552_200))?.timeIntervalSince1970 == 1_795_552_200)
        #expect(Timestamp.parse(.text("1795552200"))?.timeIntervalSince1970 == 1_795_552_200)
        #expect(Timestamp.parse(.null) == nil)
    }

    @Test func formatsUTCAndLocal() throws {
        let date = Date(timeIntervalSince1970: 1_795_552_200)
        #expect(Timestamp.utc(date) == "2026-11-24T20:30:00Z")
        let zone = try #require(TimeZone(identifier: "Pacific/Auckland"))
        #expect(Timestamp.local(date, in: zone) == "2026-11-25T09:30:00+13:00")
        #expect(Timestamp.utc(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        // Years below 1000 keep four digits; a fraction of a second is cut, not rounded.
        #expect(Timestamp.utc(Date(timeIntervalSince1970: -30_610_224_000 - 86_400 + 59.9)) == "0999-12-31T00:00:59Z")
        #expect(Timestamp.utc(Date(timeIntervalSince1970: 4_102_444_799.5)) == "2099-12-31T23:59:59Z")
    }

    @Test func roundTripsAcrossManyDays() {
        for day in stride(from: -800, to: 30000, by: 37) {
            let date = Date(timeIntervalSince1970: TimeInterval(day * 86400 + 3723))
            #expect(Timestamp.parseISO(Timestamp.utc(date)) == date)
        }
    }
}
