import Foundation

/// Where `plan` and `forecast` put what they print: standard output, or `-o FILE` (written
/// atomically; exit 64 saying why when it cannot be written).
enum CommandOutput {
    /// Writes `text` to `file` (or standard output when nil); for a page (`isPage`), says
    /// where it went so that a person knows what to open.
    static func write(_ text: String, to file: String?, what: String, isPage: Bool) throws {
        guard let file else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try OutputFile.write(Array(text.utf8), to: file)
        } catch {
            printError("\(file): error: cannot write \(what): \(error.reason). Check that its folder exists and is writable")
            throw Exit.usage
        }
        if isPage { printError("wrote \(what) to \(file): open it in a web browser") }
    }
}
