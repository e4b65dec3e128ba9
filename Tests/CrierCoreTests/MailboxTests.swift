import Foundation
import Testing
@testable import CrierCore

/// Parsing, validation and header rendering of mailboxes.
@Suite struct MailboxTests {
    /// Accepted forms parse into the expected display name and address.
    @Test(arguments: [
        ("addr@x.example", nil, "addr@x.example"),
        ("  addr@x.example\t", nil, "addr@x.example"),
        ("Name <addr@x.example>", "Name", "addr@x.example"),
        ("\"Name, Jr.\" <addr@x.example>", "Name, Jr.", "addr@x.example"),
        ("<addr@x.example>", nil, "addr@x.example"),
        ("\"\" <addr@x.example>", nil, "addr@x.example"),
        ("\"Say \\\"hi\\\"\" <a@x.example>", "Say \"hi\"", "a@x.example"),
        ("Aroha Ngata   <aroha@x.example>", "Aroha Ngata", "aroha@x.example"),
        ("Māori Whānau <whanau@x.example>", "Māori Whānau", "whanau@x.example"),
        ("\"a <b> c\" <a@x.example>", "a <b> c", "a@x.example"),
    ] as [(String, String?, String)])
    func parseAcceptsValidForms(text: String, name: String?, address: String) throws {
        let mailbox = try Mailbox.parse(text)
        #expect(mailbox == Mailbox(displayName: name, address: address))
    }

    /// Malformed text throws invalidMailbox carrying exactly the input text.
    @Test(arguments: [
        "",
        "   ",
        "no-at-sign.example",
        "a@@x.example",
        "a@b@x.example",
        "@x.example",
        "a@",
        "a b@x.example",
        "Name <addr@x.example",
        "Name addr@x.example>",
        "Name <a b@x.example>",
        "Name <>",
        "a@x.example\r\nBcc: evil@x.example",
        "Evil\n <a@x.example>",
        "\"Unclosed <a@x.example>",
        "Half \"quoted\" name <a@x.example>",
        "a@x.example, b@x.example",
        "Ōtāhuhu@x.example",
        "<a@x.example> trailing",
        String(repeating: "a", count: 250) + "@x.example",
    ])
    func parseRejectsInvalidText(text: String) {
        #expect(throws: MIMEError.invalidMailbox(text)) { try Mailbox.parse(text) }
    }

    /// A list splits at commas but not inside quotes, and ignores empty items.
    @Test func parseListRespectsQuotes() throws {
        let list = try Mailbox.parseList(" a@x.example, \"Smith, John\" <j@x.example>,, B <b@y.example>, ")
        #expect(list == [
            Mailbox(address: "a@x.example"),
            Mailbox(displayName: "Smith, John", address: "j@x.example"),
            Mailbox(displayName: "B", address: "b@y.example"),
        ])
    }

    /// An empty or blank list yields no mailboxes.
    @Test(arguments: ["", "  ", " , "])
    func parseListOfNothingIsEmpty(text: String) throws {
        #expect(try Mailbox.parseList(text).isEmpty)
    }

    /// A bad item is reported with that item's own text.
    @Test func parseListReportsBadItem() {
        #expect(throws: MIMEError.invalidMailbox("bogus")) {
            try Mailbox.parseList("a@x.example, bogus")
        }
    }

    /// An unclosed quote or bracket makes the whole list invalid.
    @Test(arguments: ["\"Smith, John <j@x.example>", "a@x.example, B <b@y.example"])
    func parseListRejectsUnbalancedText(text: String) {
        #expect(throws: MIMEError.invalidMailbox(text)) { try Mailbox.parseList(text) }
    }

    /// The domain is everything after the `@`, case preserved.
    @Test func domainIsTextAfterAt() throws {
        #expect(try Mailbox.parse("Name <Addr@Sub.X.Example>").domain == "Sub.X.Example")
        #expect(Mailbox(address: "no-at").domain == "")
    }

    /// Header text renders bare, atom, quoted and encoded display names.
    @Test(arguments: [
        (Mailbox(address: "a@x.example"), "a@x.example"),
        (Mailbox(displayName: "", address: "a@x.example"), "a@x.example"),
        (Mailbox(displayName: "Aroha", address: "a@x.example"), "Aroha <a@x.example>"),
        (Mailbox(displayName: "Smith, John", address: "j@x.example"), "\"Smith, John\" <j@x.example>"),
        (Mailbox(displayName: "Māori", address: "m@x.example"), "=?UTF-8?B?TcSBb3Jp?= <m@x.example>"),
    ])
    func headerTextQuotesOrEncodesName(mailbox: Mailbox, expected: String) {
        #expect(mailbox.headerText() == expected)
    }

    /// Rendering then parsing gives back the same mailbox for plain and quoted names.
    @Test(arguments: ["Aroha Ngata", "Smith, John", "Say \"hi\" \\o/", "John Q. Public"])
    func headerTextParsesBack(name: String) throws {
        let mailbox = Mailbox(displayName: name, address: "a@x.example")
        #expect(try Mailbox.parse(mailbox.headerText()) == mailbox)
    }
}
