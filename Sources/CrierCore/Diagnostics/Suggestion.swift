/// "Did you mean ...?" help: the closest of the valid choices to a misspelt word.
package enum Suggestion {
    /// The choice closest to `word` when it is close enough to be a likely typo, else nil.
    package static func closest(to word: String, in choices: [String]) -> String? {
        let lowered = word.lowercased()
        var best: (choice: String, distance: Int)?
        for choice in choices {
            let distance = editDistance(lowered, choice.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (choice, distance) }
        }
        guard let best else { return nil }
        let limit = max(1, min(3, lowered.count / 3))
        return best.distance <= limit ? best.choice : nil
    }

    /// `Did you mean "x"?` or, when nothing is close, the list of valid choices.
    package static func hint(for word: String, in choices: [String]) -> String {
        if let near = closest(to: word, in: choices) { return "Did you mean \"\(near)\"?" }
        return "Valid: " + choices.joined(separator: ", ") + "."
    }

    /// Edit distance between two strings by characters, counting a swap of two neighbours as
    /// one edit (optimal string alignment), since swapped letters are the commonest typo.
    package static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
