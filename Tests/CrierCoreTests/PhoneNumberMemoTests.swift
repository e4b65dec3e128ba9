import Testing

@testable import CrierCore

/// The memo gives exactly the answers of `PhoneNumber.parse`.
@Suite("PhoneNumberMemo")
struct PhoneNumberMemoTests {
    /// Valid and invalid numbers of every form the parser knows, and some it refuses.
    static let inputs = [
        "021 123 4567", "0211234567", "+64 21 123 4567", "+64 (0)21 123 4567", "64211234567", "0064211234567",
        "0412 345 678", "+61 412 345 678", "0011 61 412 345 678", "61412345678", "(04) 123 4567", "09 555 0100",
        "+44 7700 900123", "+1 (415) 555-0100", "+0123456789", "+1234", "211234567", "",
        "   ", " 021-123-4567 ", "021\u{2013}123\u{2013}4567", "021.123.4567", "021 123 4567 ext 2", "٠٢١١٢٣٤٥٦٧",
        "++64211234567", "+64+211234567", "0274 1234567", "022 123 45678", "０２１ １２３ ４５６７", "+64 9 555 0100",
    ]

    /// Checks that every input, asked twice (parsed, then remembered), gets the parser's answer in both regions.
    @Test("every input, asked twice, gets the parser's answer in both regions")
    func sameAnswersAsParsing() {
        for region in PhoneRegion.allCases {
            let memo = PhoneNumberMemo(defaultRegion: region)
            for _ in 0..<2 {
                for input in Self.inputs {
                    #expect(memo.parse(input) == PhoneNumber.parse(input, defaultRegion: region), "\(input) in \(region)")
                }
            }
        }
    }

    /// Checks that a memo full to its capacity starts afresh and still answers like the parser.
    @Test("a memo past its capacity still answers like the parser")
    func capacityKeepsAnswers() {
        let memo = PhoneNumberMemo(defaultRegion: .NZ, capacity: 3)
        for input in Self.inputs + Self.inputs.reversed() {
            #expect(memo.parse(input) == PhoneNumber.parse(input, defaultRegion: .NZ), "\(input)")
        }
    }
}
