import Foundation
import Testing
@testable import CrierCore

/// SPEC §5's rules, checked on each item just before delivery: each rule, each boundary, and
/// their order.
@Suite("Delivery rules")
struct DeliveryRulesTests {
    /// 2026-11-23T04:00:00Z, 17:00 in Auckland (NZDT).
    let slot = Date(timeIntervalSince1970: 1_795_406_400)
    let auckland = TimeZone(identifier: "Pacific/Auckland")!

    func item(_ recipient: String = "+64211000001", _ channel: Channel = .sms, schedule: String = "s", slot: Date? = nil,
              eventAt: Date? = nil) -> PlanItem {
        var item = PlanItem(id: "i", schedule: schedule, slot: Slot(slot ?? self.slot), key: "J1", occurrence: "o",
                            channel: channel, recipient: recipient, action: .send)
        item.eventAt = eventAt
        return item
    }

    @Test func anOptedOutRecipientIsWithdrawnAndOthersGoOut() {
        let gate = DeliveryRules(optedOut: ["+64211000000", "kylie@example.com"])
        #expect(gate.verdict(for: item("+64211000000"), at: slot) == .withdraw(.optedOut))
        #expect(gate.verdict(for: item("+64211000001"), at: slot) == .deliver)
        #expect(gate.verdict(for: item("Kylie@Example.com", .email), at: slot) == .withdraw(.optedOut), "addresses match without case")
        #expect(gate.verdict(for: item("mere@example.com", .email), at: slot) == .deliver)
    }

    @Test func anUnreadSuppressionListHoldsEveryItem() {
        let gate = DeliveryRules(optedOut: nil)
        #expect(gate.verdict(for: item(), at: slot) == .hold(.optOutsUnread))
        #expect(gate.verdict(for: item("mere@example.com", .email), at: slot) == .hold(.optOutsUnread))
    }

    @Test func aReminderWhoseEventStartedIsWithdrawnAtTheStartNotASecondBefore() {
        let gate = DeliveryRules(optedOut: [])
        let start = slot.addingTimeInterval(16 * 3600)
        #expect(gate.verdict(for: item(eventAt: start), at: start.addingTimeInterval(-1)) == .deliver)
        #expect(gate.verdict(for: item(eventAt: start), at: start) == .withdraw(.eventStarted))
        #expect(gate.verdict(for: item(eventAt: start), at: start.addingTimeInterval(2 * 86400)) == .withdraw(.eventStarted),
                "started is said before expired")
        #expect(gate.verdict(for: item(), at: start.addingTimeInterval(3600)) == .deliver, "an item with no event never starts")
    }

    @Test func anItemExpiresWhenOlderThanItsSchedulesExpiresAfterFromItsSlot() {
        let gate = DeliveryRules(optedOut: [], terms: ["short": DeliveryTerms(expiresAfter: 6 * 3600)])
        let day = DeliveryRules.defaultExpiry
        #expect(day == 86400)
        #expect(gate.verdict(for: item(), at: slot.addingTimeInterval(day)) == .deliver, "exactly 24h old still goes")
        #expect(gate.verdict(for: item(), at: slot.addingTimeInterval(day + 1)) == .withdraw(.expired))
        #expect(gate.verdict(for: item(schedule: "short"), at: slot.addingTimeInterval(6 * 3600)) == .deliver)
        #expect(gate.verdict(for: item(schedule: "short"), at: slot.addingTimeInterval(6 * 3600 + 1)) == .withdraw(.expired))
    }

    @Test func optedOutIsSaidBeforeMoot() {
        let gate = DeliveryRules(optedOut: ["+64211000001"])
        #expect(gate.verdict(for: item(eventAt: slot), at: slot.addingTimeInterval(3 * 86400)) == .withdraw(.optedOut))
    }

    @Test func smsInsideQuietHoursWaitsAndEmailDoesNot() throws {
        let quiet = try #require(QuietHours.parse("21:00-08:00"))
        let gate = DeliveryRules(optedOut: [], terms: ["s": DeliveryTerms(quietHours: quiet, timeZone: auckland)])
        let nine = slot.addingTimeInterval(4 * 3600)  // 21:00 in Auckland
        #expect(gate.verdict(for: item(), at: nine.addingTimeInterval(-60)) == .deliver)
        #expect(gate.verdict(for: item(), at: nine) == .hold(.quietHours))
        #expect(gate.verdict(for: item("mere@example.com", .email), at: nine) == .deliver)
        let eight = nine.addingTimeInterval(11 * 3600)  // 08:00 the next morning
        #expect(gate.verdict(for: item(), at: eight.addingTimeInterval(-60)) == .hold(.quietHours))
        #expect(gate.verdict(for: item(), at: eight) == .deliver)
        #expect(gate.verdict(for: item(schedule: "other"), at: nine) == .deliver, "another schedule's terms: none")
    }

    @Test func overTheDailyCapItemsWaitAndAReleasedPlaceIsTakenAgain() {
        let cap = DailyCap(limit: 2, alreadySent: 1, channels: [.email])
        let gate = DeliveryRules(optedOut: ["gone@example.com"], dailyCap: cap)
        let email = item("mere@example.com", .email)
        #expect(gate.verdict(for: item("gone@example.com", .email), at: slot) == .withdraw(.optedOut), "a withdrawn item takes no place")
        #expect(gate.verdict(for: email, at: slot) == .deliver)
        #expect(gate.verdict(for: email, at: slot) == .hold(.dailyCap))
        #expect(gate.verdict(for: item(), at: slot) == .deliver, "SMS over HTTP do not count")
        gate.release(email)
        #expect(gate.verdict(for: email, at: slot) == .deliver)
        #expect(cap.remaining == 0)
    }

    @Test func theBacklogIsJudgedInLedgerOrderSoTheFirstItemsGetTheCapsRoom() {
        let gate = DeliveryRules(optedOut: [], dailyCap: DailyCap(limit: 1, alreadySent: 0, channels: [.email]))
        let started = LedgerItem(item: item("a@example.com", .email, eventAt: slot), state: .pending, attempts: 1, lastError: "down")
        var first = item("b@example.com", .email)
        first.key = "J2"
        let waiting = LedgerItem(item: item("c@example.com", .email), state: .pending, attempts: 0, lastError: nil)
        let backlog = gate.backlog([started, LedgerItem(item: first, state: .pending, attempts: 2, lastError: "451 later"), waiting],
                                   at: slot.addingTimeInterval(60))
        #expect(backlog.map(\.action) == ["skip", "send", "wait"])
        #expect(backlog.map(\.reason) == ["event-started", nil, "daily-cap"])
        #expect(backlog[1].json.rendered().contains("\"attempts\": 2,\n  \"last_error\": \"451 later\""), "\(backlog[1].json.rendered())")
    }

    @Test func expiresAfterTakesTheOneDurationGrammarDefaultsTo24hAndABadValueIsLocated() throws {
        let (repository, diagnostics) = Fixture.repository(
            config: Fixture.crierYAML,
            schedules: ["schedules/a.yaml": "expires_after: 6 hours\n" + Fixture.reminderSchedule,
                        "schedules/b.yaml": Fixture.reminderSchedule,
                        "schedules/c.yaml": "expires_after: soon\n" + Fixture.reminderSchedule])
        let repo = try #require(repository)
        #expect(repo.schedules.map(\.id) == ["a", "b"])
        #expect(repo.schedules.map(\.expiresAfterSeconds) == [6 * 3600, 86400])
        #expect(diagnostics.map(\.description).contains { $0.hasPrefix("schedules/c.yaml:1:16: error: invalid \"expires_after\" \"soon\"") },
                "\(diagnostics.map(\.description))")
    }
}
