import CrierTestSupport
import Testing
@testable import CrierCore

/// Truncated and mangled schedule files: whatever is wrong, every error has a line and column.
@Suite("Schedule files, truncated and mangled")
struct ScheduleFuzzTests {

    /// The 50 mangled files: cut at a random byte, a byte deleted, a YAML character inserted,
    /// a line's indentation changed, a tab put in.
    static func mangled() -> [String] {
        let bytes = Array(Fixture.reminderSchedule.utf8)
        var generator = SplitMix64(state: 15)
        let noise: [UInt8] = Array(":[]{}\"'|>-#&*!%@`,\t\n ".utf8)
        return (0..<50).map { n in
            var copy = bytes
            switch n % 5 {
            case 0: copy = Array(copy.prefix(generator.next(copy.count)))
            case 1: copy.remove(at: generator.next(copy.count))
            case 2: copy.insert(noise[generator.next(noise.count)], at: generator.next(copy.count))
            case 3:
                let lineStarts = copy.indices.filter { $0 == 0 || copy[$0 - 1] == UInt8(ascii: "\n") }
                copy.insert(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: 1 + generator.next(3)), at: lineStarts[generator.next(lineStarts.count)])
            default: copy[generator.next(copy.count)] = UInt8(ascii: "\t")
            }
            return String(decoding: copy, as: UTF8.self)
        }
    }

    @Test func everyErrorOfFiftyMangledFilesHasALineAndColumn() {
        var unplaced: [String] = []
        var errors = 0
        for (n, text) in Self.mangled().enumerated() {
            let (_, diagnostics) = Fixture.repository(schedules: ["schedules/reminder.yaml": text])
            for diagnostic in diagnostics where diagnostic.severity == .error {
                errors += 1
                guard let location = diagnostic.location, location.line > 0, location.column > 0 else {
                    unplaced.append("#\(n): \(diagnostic)")
                    continue
                }
            }
        }
        #expect(errors > 25, "the mangling breaks most files: \(errors) errors")
        #expect(unplaced.isEmpty, "\(unplaced.joined(separator: "\n"))")
    }
}
