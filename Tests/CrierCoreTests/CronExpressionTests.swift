import Foundation
import Testing
@testable import CrierCore

/// Parses `text`, failing the test with the parse error message if it does not parse.
private func cron(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> CronExpression {
    do {
        return try CronExpression(parsing: text)
    } catch {
        Issue.record("\"\(text)\" did not parse: \(error.message) (column \(error.column))", sourceLocation: sourceLocation)
        throw error
    }
}

/// The parse error for `text`, or nil when it parses.
private func parseError(_ text: String) -> CronParseError? {
    do {
        _ = try CronExpression(parsing: text)
        return nil
    } catch {
        return error
    }
}

/// A date from its `YYYY-MM-DD` text.
private func day(_ text: String) -> LocalDate {
    guard let date = LocalDate(parsing: text) else { fatalError("bad test date \(text)") }
    return date
}

/// The field bit sets of an expression, for comparing expressions that differ only in source text.
private func fields(_ expression: CronExpression) -> [UInt64] {
    [expression.minuteBits, expression.hourBits, expression.dayOfMonthBits, expression.monthBits,
     expression.dayOfWeekBits, expression.dayOfMonthIsStar ? 1 : 0, expression.dayOfWeekIsStar ? 1 : 0]
}

/// Parsing of every supported syntax and every error message with its column.
@Suite("CronExpression parsing")
struct CronExpressionParsingTests {
    /// `*` in every field selects every value.
    @Test func starSelectsEverything() throws {
        let expression = try cron("* * * * *")
        #expect(expression.minutes == Array(0...59))
        #expect(expression.hours == Array(0...23))
        #expect(expression.dayOfMonthBits == 0xFFFF_FFFE)
        #expect(expression.monthBits == 0x1FFE)
        #expect(expression.dayOfWeekBits == 0x7F)
        #expect(expression.dayOfMonthIsStar && expression.dayOfWeekIsStar)
    }

    /// Numbers, lists, ranges and steps in the minute field.
    @Test(arguments: [
        ("0", [0]),
        ("59", [59]),
        ("07", [7]),
        ("1,15", [1, 15]),
        ("15,1,15", [1, 15]),
        ("1-5", [1, 2, 3, 4, 5]),
        ("*/15", [0, 15, 30, 45]),
        ("1-30/5", [1, 6, 11, 16, 21, 26]),
        ("5/15", [5, 20, 35, 50]),
        ("58/1", [58, 59]),
        ("0-4,30-32", [0, 1, 2, 3, 4, 30, 31, 32]),
        ("*/20,7", [0, 7, 20, 40]),
        ("10-10", [10]),
        ("*/59", [0, 59]),
    ])
    func minuteSyntax(text: String, expected: [Int]) throws {
        #expect(try cron("\(text) * * * *").minutes == expected)
    }

    /// Ranges and steps in the hour field.
    @Test(arguments: [
        ("*/6", [0, 6, 12, 18]),
        ("9-17", Array(9...17)),
        ("22/1", [22, 23]),
        ("0,12", [0, 12]),
        ("*/23", [0, 23]),
    ])
    func hourSyntax(text: String, expected: [Int]) throws {
        #expect(try cron("0 \(text) * * *").hours == expected)
    }

    /// Lists, steps and ranges in the day-of-month field.
    @Test func dayOfMonthSyntax() throws {
        #expect(try cron("0 0 1,15,31 * *").dayOfMonthBits == (1 << 1 | 1 << 15 | 1 << 31))
        #expect(try cron("0 0 */10 * *").dayOfMonthBits == (1 << 1 | 1 << 11 | 1 << 21 | 1 << 31))
        #expect(try cron("0 0 28-31 * *").dayOfMonthBits == (1 << 28 | 1 << 29 | 1 << 30 | 1 << 31))
    }

    /// Month numbers and case-insensitive names, alone, in lists, ranges and steps.
    @Test(arguments: [
        ("JAN", [1]),
        ("jan", [1]),
        ("Dec", [12]),
        ("JAN,jul", [1, 7]),
        ("mar-MAY", [3, 4, 5]),
        ("JAN-DEC/3", [1, 4, 7, 10]),
        ("NOV/1", [11, 12]),
        ("2-APR", [2, 3, 4]),
        ("*/6", [1, 7]),
    ])
    func monthNames(text: String, expected: [Int]) throws {
        let expression = try cron("0 0 1 \(text) *")
        #expect((1...12).filter { expression.monthBits & (1 << $0) != 0 } == expected)
    }

    /// Day-of-week numbers, names, ranges and steps, with 7 meaning Sunday.
    @Test(arguments: [
        ("SUN", [0]),
        ("sun", [0]),
        ("7", [0]),
        ("0,7", [0]),
        ("MON-FRI", [1, 2, 3, 4, 5]),
        ("mon-fri", [1, 2, 3, 4, 5]),
        ("5-7", [0, 5, 6]),
        ("FRI-7", [0, 5, 6]),
        ("0-7", [0, 1, 2, 3, 4, 5, 6]),
        ("*/2", [0, 2, 4, 6]),
        ("1/2", [1, 3, 5]),
        ("SAT,SUN", [0, 6]),
        ("Tue,thu", [2, 4]),
        ("7/2", [0]),
    ])
    func dayOfWeekSyntax(text: String, expected: [Int]) throws {
        let expression = try cron("0 0 * * \(text)")
        #expect((0...6).filter { expression.dayOfWeekBits & (1 << $0) != 0 } == expected)
    }

    /// Each macro equals its 5-field expansion and keeps its own text as source.
    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("@DAILY", "0 0 * * *"),
        ("  @Weekly\n", "0 0 * * 0"),
    ])
    func macros(macro: String, expansion: String) throws {
        let expression = try cron(macro)
        #expect(fields(expression) == fields(try cron(expansion)))
        #expect(expression.source == macro)
    }

    /// Different macros produce different schedules.
    @Test func macrosDiffer() throws {
        #expect(fields(try cron("@hourly")) != fields(try cron("@daily")))
        #expect(fields(try cron("@weekly")) != fields(try cron("@monthly")))
    }

    /// Runs of spaces and tabs separate fields; surrounding whitespace is ignored.
    @Test func whitespace() throws {
        let plain = try cron("0 9 * * MON")
        for text in ["  0 9 * * MON  ", "0\t9\t*\t*\tMON", "0   9 \t * *  MON", "\t0 9 * * MON\n", "0 9 * * MON\r\n"] {
            #expect(fields(try cron(text)) == fields(plain), "\(text.debugDescription)")
        }
    }

    /// `source` and `description` return the text exactly as given.
    @Test func sourceIsTheOriginalText() throws {
        let expression = try cron(" 0 9 * * mon-fri ")
        #expect(expression.source == " 0 9 * * mon-fri ")
        #expect(expression.description == " 0 9 * * mon-fri ")
        #expect("\(try cron("@daily"))" == "@daily")
    }

    /// Equal texts give equal expressions and different schedules differ.
    @Test func equality() throws {
        #expect(try cron("0 9 * * 1-5") == cron("0 9 * * 1-5"))
        #expect(try cron("0 9 * * 1-5") != cron("0 10 * * 1-5"))
    }

    /// The AND/OR day flags depend on whether a day field starts with `*`.
    @Test func starFlagsFollowTheFirstCharacter() throws {
        let starStep = try cron("0 0 */2 * 1")
        #expect(starStep.dayOfMonthIsStar)
        #expect(!starStep.dayOfWeekIsStar)
        let fullRange = try cron("0 0 1-31 * 0-6")
        #expect(!fullRange.dayOfMonthIsStar && !fullRange.dayOfWeekIsStar)
        #expect(try cron("0 0 1 * *,1").dayOfWeekIsStar)
    }

    /// Every kind of syntax error has its exact message and column.
    @Test(arguments: [
        ("", "the expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily", 1),
        ("  \t ", "the expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily", 1),
        ("0 9 * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 6", 11),
        ("0 9 * * 1 2 3", "expected 5 fields (minute hour day-of-month month day-of-week), found 7", 11),
        ("0 9 * *", "expected 5 fields (minute hour day-of-month month day-of-week), found 4", 8),
        ("  0  9", "expected 5 fields (minute hour day-of-month month day-of-week), found 2", 7),
        ("61 * * * *", "minute \"61\" is out of range 0-59", 1),
        ("99999999999999999999 * * * *", "minute \"99999999999999999999\" is out of range 0-59", 1),
        ("0 24 * * *", "hour \"24\" is out of range 0-23", 3),
        ("0 0 0 * *", "day-of-month \"0\" is out of range 1-31", 5),
        ("0 0 1,32 * *", "day-of-month \"32\" is out of range 1-31", 7),
        ("0 0 * 13 *", "month \"13\" is out of range 1-12", 7),
        ("0 0 * 0 *", "month \"0\" is out of range 1-12", 7),
        ("0 0 * * 8", "day-of-week \"8\" is out of range 0-7", 9),
        ("0 0 * * 1-8", "day-of-week \"8\" is out of range 0-7", 11),
        ("5-1 * * * *", "minute range \"5-1\" is reversed; the start must not exceed the end", 1),
        ("0 0 * * FRI-MON", "day-of-week range \"FRI-MON\" is reversed; the start must not exceed the end", 9),
        ("0 0 * * 1,SAT-SUN", "day-of-week range \"SAT-SUN\" is reversed; the start must not exceed the end", 11),
        ("-5 * * * *", "minute range \"-5\" has no start; write START-END, e.g. 0-59", 1),
        ("0 1- * * *", "hour range \"1-\" has no end; write START-END, e.g. 0-23", 5),
        ("*/0 * * * *", "minute step \"0\" is out of range 1-59", 3),
        ("0 0 * JAN-FEB/0 *", "month step \"0\" is out of range 1-11", 15),
        ("0 0 * * */8", "day-of-week step \"8\" is out of range 1-7", 11),
        ("*/60 * * * *", "minute step \"60\" is out of range 1-59", 3),
        ("0 */x * * *", "invalid hour step \"x\"; expected a number 1-23", 5),
        ("0 */ * * *", "invalid hour step \"\"; expected a number 1-23", 5),
        ("1/2/3 * * * *", "invalid minute step \"2/3\"; expected a number 1-59", 3),
        ("0 9 * * MOM", "unknown day-of-week name \"MOM\"; did you mean \"MON\"?", 9),
        ("0 9 * * mon-FRX", "unknown day-of-week name \"FRX\"; did you mean \"FRI\"?", 13),
        ("0 9 * * Monday", "unknown day-of-week name \"Monday\"; did you mean \"MON\"?", 9),
        ("0 9 * * TUES", "unknown day-of-week name \"TUES\"; did you mean \"TUE\"?", 9),
        ("0 9 * * XYZ", "unknown day-of-week name \"XYZ\"; expected SUN-SAT", 9),
        ("0 9 * JNA *", "unknown month name \"JNA\"; did you mean \"JAN\"?", 7),
        ("0 9 * Sept *", "unknown month name \"Sept\"; did you mean \"SEP\"?", 7),
        ("0 9 * JU *", "unknown month name \"JU\"; expected JAN-DEC", 7),
        ("0 9 * MON *", "unknown month name \"MON\"; expected JAN-DEC", 7),
        ("abc * * * *", "invalid minute \"abc\"; expected a number 0-59", 1),
        ("MON * * * *", "invalid minute \"MON\"; expected a number 0-59", 1),
        ("0 0 JAN * *", "invalid day-of-month \"JAN\"; expected a number 1-31", 5),
        ("0 0 * 1a *", "invalid month \"1a\"; expected 1-12 or JAN-DEC", 7),
        ("0 0 * * 1a", "invalid day-of-week \"1a\"; expected 0-7 or SUN-SAT", 9),
        ("*-5 * * * *", "invalid minute \"*\"; expected a number 0-59", 1),
        ("0 🙂 * * *", "invalid hour \"🙂\"; expected a number 0-23", 3),
        ("0 9 * * ١", "invalid day-of-week \"١\"; expected 0-7 or SUN-SAT", 9),
        ("1,,2 * * * *", "minute list \"1,,2\" has an empty item", 3),
        ("0 1, * * *", "hour list \"1,\" has an empty item", 5),
        (",1 * * * *", "minute list \",1\" has an empty item", 1),
        ("@reboot", "@reboot is not supported: crier runs from cron or a timer; use a 5-field expression", 1),
        ("  @REBOOT", "@reboot is not supported: crier runs from cron or a timer; use a 5-field expression", 3),
        ("@dialy", "unknown macro \"@dialy\"; did you mean \"@daily\"?", 1),
        ("@hourley", "unknown macro \"@hourley\"; did you mean \"@hourly\"?", 1),
        ("@every", "unknown macro \"@every\"; expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly", 1),
        ("@daily 0", "unexpected \"0\" after @daily; a macro stands alone", 8),
    ])
    func errors(text: String, message: String, column: Int) {
        let error = parseError(text)
        #expect(error?.message == message, "\(text.debugDescription)")
        #expect(error?.column == column, "\(text.debugDescription)")
    }

    /// The column lets a caller point a caret at the bad text.
    @Test func errorPointsAtTheBadCharacterForACaret() {
        let text = "0 9 * * MOM"
        let error = parseError(text)
        let column = error?.column ?? 0
        #expect(column >= 1)
        #expect(String(Array(text)[(column - 1)...]) == "MOM")
        #expect(error?.description == error?.message)
    }
}

/// Day-level matching, including the Vixie day-of-month/day-of-week rule.
@Suite("CronExpression day matching")
struct CronExpressionMatchingTests {
    /// With both day fields restricted, a day matches when either matches.
    @Test func domOrDowWhenBothRestricted() throws {
        let expression = try cron("0 9 1,15 * MON")
        #expect(expression.matches(date: day("2026-06-01")))   // Monday the 1st
        #expect(expression.matches(date: day("2026-06-08")))   // Monday
        #expect(expression.matches(date: day("2026-06-15")))   // Monday the 15th
        #expect(expression.matches(date: day("2026-07-01")))   // Wednesday the 1st
        #expect(expression.matches(date: day("2026-07-15")))   // Wednesday the 15th
        #expect(expression.matches(date: day("2026-07-06")))   // Monday
        #expect(!expression.matches(date: day("2026-06-02")))  // Tuesday the 2nd
        #expect(!expression.matches(date: day("2026-07-07")))  // Tuesday
    }

    /// With one day field `*`, only the other one decides.
    @Test func onlyRestrictedFieldCountsWhenOtherIsStar() throws {
        let mondays = try cron("0 9 * * MON")
        #expect(mondays.matches(date: day("2026-06-08")))
        #expect(!mondays.matches(date: day("2026-06-01").adding(days: 1)))
        #expect(!mondays.matches(date: day("2026-07-01")))
        let firsts = try cron("0 9 1 * *")
        #expect(firsts.matches(date: day("2026-07-01")))
        #expect(!firsts.matches(date: day("2026-06-08")))
    }

    /// A day field like `*/2` still starts with `*`, so the day fields are ANDed.
    @Test func starStepDayOfMonthIsAndedWithDayOfWeek() throws {
        // Vixie: a field starting with "*" makes the two day fields AND.
        let expression = try cron("0 9 */2 * MON")
        #expect(expression.matches(date: day("2026-06-01")))   // Monday, odd day
        #expect(!expression.matches(date: day("2026-06-08")))  // Monday, even day
        #expect(!expression.matches(date: day("2026-06-03")))  // Wednesday, odd day
    }

    /// The month field restricts matches, including OR-rule days.
    @Test func monthRestriction() throws {
        let expression = try cron("0 0 * JUN,dec *")
        #expect(expression.matches(date: day("2026-06-30")))
        #expect(expression.matches(date: day("2026-12-01")))
        #expect(!expression.matches(date: day("2026-07-01")))
        #expect(!expression.matches(date: day("2026-05-31")))
        // The month also restricts the OR of the day fields.
        let orRule = try cron("0 0 1 JUN MON")
        #expect(orRule.matches(date: day("2026-06-08")))
        #expect(!orRule.matches(date: day("2026-07-06")))
        #expect(!orRule.matches(date: day("2026-07-01")))
    }

    /// Day-of-week 7, 0 and SUN all mean Sunday.
    @Test func sevenIsSunday() throws {
        let seven = try cron("0 0 * * 7")
        let zero = try cron("0 0 * * 0")
        let name = try cron("0 0 * * sun")
        for offset in 0..<14 {
            let date = day("2026-06-01").adding(days: offset)
            #expect(seven.matches(date: date) == (date.weekday == 0))
            #expect(zero.matches(date: date) == (date.weekday == 0))
            #expect(name.matches(date: date) == (date.weekday == 0))
        }
        #expect(seven.matches(date: day("2026-06-07")))
    }

    /// `MON-FRI` matches exactly the working days.
    @Test func weekdayRangeByName() throws {
        let expression = try cron("30 8 * * MON-FRI")
        let matched = (0..<7).map { expression.matches(date: day("2026-06-07").adding(days: $0)) }
        #expect(matched == [false, true, true, true, true, true, false])
    }

    /// Steps in the day-of-month, day-of-week and month fields.
    @Test func steps() throws {
        let everyOtherDay = try cron("0 0 1-31/2 * *")
        #expect(everyOtherDay.matches(date: day("2026-01-31")))
        #expect(!everyOtherDay.matches(date: day("2026-01-30")))
        let dowStep = try cron("0 0 * * */2")
        let matched = (0..<7).map { dowStep.matches(date: day("2026-06-07").adding(days: $0)) }
        #expect(matched == [true, false, true, false, true, false, true])
        let quarterly = try cron("0 0 1 */3 *")
        #expect(quarterly.matches(date: day("2026-10-01")))
        #expect(!quarterly.matches(date: day("2026-11-01")))
    }

    /// February 30 never matches, leap years included.
    @Test func impossibleDaysNeverMatch() throws {
        let expression = try cron("0 0 30 2 *")
        for offset in 0..<(4 * 366) {
            #expect(!expression.matches(date: day("2024-01-01").adding(days: offset)))
        }
    }
}
