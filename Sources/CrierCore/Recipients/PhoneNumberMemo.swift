/// Parses phone numbers, each distinct text once.
///
/// A plan normalises the same client's number on many rows (the sample: 6,532 distinct numbers in
/// 12,080 rows), and `PhoneNumber.parse` costs far more than a dictionary lookup. The memo keeps at
/// most `capacity` texts and then starts afresh, so its memory stays bounded on any snapshot.
/// Not thread-safe: one memo per planning pass (an `ItemMaker` holds its own).
package final class PhoneNumberMemo {
    /// How national numbers are read.
    package let defaultRegion: PhoneRegion
    private let capacity: Int
    private var results: [String: Result<PhoneNumber, PhoneNumberError>] = [:]

    /// A memo reading national numbers in `defaultRegion`, holding at most `capacity` texts.
    package init(defaultRegion: PhoneRegion, capacity: Int = 16_384) {
        self.defaultRegion = defaultRegion
        self.capacity = max(1, capacity)
    }

    /// The same answer as `PhoneNumber.parse(text, defaultRegion:)`, parsed once per distinct text.
    package func parse(_ text: String) -> Result<PhoneNumber, PhoneNumberError> {
        if let known = results[text] { return known }
        let result = PhoneNumber.parse(text, defaultRegion: defaultRegion)
        if results.count >= capacity { results.removeAll(keepingCapacity: true) }
        results[text] = result
        return result
    }
}
