import Testing

@testable import CrierCore

/// Parsing and normalising bare email addresses.
@Suite("EmailAddress")
struct EmailAddressTests {
    /// Checks that valid bare addresses are accepted and normalised with a lowercased domain.
    @Test(
        "valid bare addresses are accepted and normalised with a lowercased domain",
        arguments: [
            ("ann@example.co.nz", "ann@example.co.nz"),
            ("Ann.Smith@Example.CO.NZ", "Ann.Smith@example.co.nz"),
            ("  bob@example.com.au \n", "bob@example.com.au"),
            ("\tbob@example.com.au", "bob@example.com.au"),
            ("o'brien@plumbing.nz", "o'brien@plumbing.nz"),
            ("jobs+reminders@sparky-services.co.nz", "jobs+reminders@sparky-services.co.nz"),
            ("a.b.c@x.io", "a.b.c@x.io"),
            ("!#$%&'*+/=?^_`{|}~-@example.com", "!#$%&'*+/=?^_`{|}~-@example.com"),
            ("x@a.b", "x@a.b"),
            ("user@xn--mori-qsa.nz", "user@xn--mori-qsa.nz"),
            ("user@mail.3com.com", "user@mail.3com.com"),
            ("user@123.example", "user@123.example"),
            (String(repeating: "a", count: 64) + "@example.com", String(repeating: "a", count: 64) + "@example.com"),
        ]
    )
    func valid(text: String, normalized: String) throws {
        let address = try #require(EmailAddress.parse(text))
        #expect(address.normalized == normalized)
        #expect(address.description == normalized)
    }

    /// Checks that invalid or non-bare addresses are refused.
    @Test(
        "invalid or non-bare addresses are refused",
        arguments: [
            "", "   ", "plainaddress", "@example.com", "ann@", "ann@@example.com", "ann@bob@example.com",
            "Ann Smith <ann@example.com>", "<ann@example.com>", "\"Ann\" ann@example.com", "\"ann smith\"@example.com",
            "ann smith@example.com", "ann@exa mple.com", "ann\r\n@example.com", "ann@example.com\r\nBcc: x@y.z",
            "ann@localhost", "ann@example", "ann@.example.com", "ann@example..com", "ann@example.com.",
            "ann@-example.com", "ann@example-.com", "ann@exam_ple.com", "ann@[192.0.2.1]", "ann@192.0.2.1",
            ".ann@example.com", "ann.@example.com", "an..n@example.com", "ann(comment)@example.com",
            "ann,bob@example.com", "ann;@example.com", "ann@example.com;bob@example.com",
            String(repeating: "a", count: 65) + "@example.com",
            "ann@" + String(repeating: "b", count: 64) + ".com",
        ]
    )
    func invalid(text: String) {
        #expect(EmailAddress.parse(text) == nil)
    }

    /// Checks that non-ASCII local parts and Unicode domains are refused; the xn-- form of an IDN is accepted.
    @Test("non-ASCII local parts and Unicode domains are refused; the xn-- form of an IDN is accepted")
    func nonASCIIRefused() {
        #expect(EmailAddress.parse("tāmati@example.co.nz") == nil)
        #expect(EmailAddress.parse("tamati@māori.nz") == nil)
        #expect(EmailAddress.parse("用户@例子.广告") == nil)
        #expect(EmailAddress.parse("tamati@xn--mori-qsa.nz")?.domain == "xn--mori-qsa.nz")
    }

    /// Checks that Unicode white space around an address is trimmed as ASCII white space is.
    @Test("Unicode white space around an address is trimmed; inside it is refused")
    func unicodeWhiteSpace() {
        #expect(EmailAddress.parse("\u{00A0}\u{3000}Ann@Example.COM\u{2028}\u{0085}")?.normalized == "Ann@example.com")
        #expect(EmailAddress.parse("\u{000B}ann@example.com\u{000C}")?.normalized == "ann@example.com")
        #expect(EmailAddress.parse("ann\u{00A0}@example.com") == nil)
        #expect(EmailAddress.parse("ann@example.com\u{0000}") == nil)
    }

    /// Checks that an address of 254 characters is accepted, 255 is refused.
    @Test("an address of 254 characters is accepted, 255 is refused")
    func totalLength() {
        let label = String(repeating: "d", count: 63)
        let domain254 = [label, label, label, String(repeating: "e", count: 60)].joined(separator: ".")
        #expect(("a@" + domain254).count == 254)
        #expect(EmailAddress.parse("a@" + domain254) != nil)
        #expect(EmailAddress.parse("ab@" + domain254) == nil)
    }

    /// Checks that the local part keeps its case, the domain is lowercased, matchKey lowercases everything.
    @Test("the local part keeps its case, the domain is lowercased, matchKey lowercases everything")
    func caseHandling() throws {
        let mixed = try #require(EmailAddress.parse("Ann.Smith@Example.COM"))
        #expect(mixed.localPart == "Ann.Smith")
        #expect(mixed.domain == "example.com")
        #expect(mixed.matchKey == "ann.smith@example.com")
        let lower = try #require(EmailAddress.parse("ann.smith@example.com"))
        #expect(mixed.matchKey == lower.matchKey)
        #expect(mixed != lower)
        #expect(mixed == EmailAddress.parse("Ann.Smith@example.com"))
    }
}
