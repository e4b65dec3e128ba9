import Foundation

/// What an inbound SMS reply asks for.
package enum InboundKeyword: String, Sendable, Equatable {
    /// Opt out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT.
    case stop
    /// Opt back in: START, UNSTOP.
    case start

    /// The words that opt a sender out.
    package static let stopWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"]
    /// The words that opt a sender back in.
    package static let startWords: Set<String> = ["START", "UNSTOP"]

    /// The keyword of a whole message, or nil when the body is anything else. Case, surrounding
    /// white space and trailing `.`/`!` are ignored ("Stop." is STOP); any other word in the
    /// message makes it unknown ("stop the 3pm visit" is not an opt-out).
    package static func classify(_ body: String) -> InboundKeyword? {
        var word = body.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = word.last, last == "." || last == "!" { word.removeLast() }
        word = word.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        if stopWords.contains(word) { return .stop }
        if startWords.contains(word) { return .start }
        return nil
    }
}
