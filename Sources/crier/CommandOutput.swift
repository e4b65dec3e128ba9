import Foundation

/// Where `plan` and `forecast` put what they print: standard output, or `-o FILE` (written
/// atomically; exit 64 saying why when it cannot be written).
enum CommandOutput {
    /// Writes `text` to `file` (or standard output when nil); for a page (`isPage`), says
    /// where it went so that a person knows what to open.
    static func write(_ text: String, to file: String?, what: String, isPage: Bool) throws {
        try write(to: file, what: what, isPage: isPage) { write in try write(Array(text.utf8)) }
    }

    /// Writes what `produce` hands its writer, piece by piece, to `file` (or standard output
    /// when nil), so a long output is never held whole.
    static func write(to file: String?, what: String, isPage: Bool,
                      _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        guard let file else {
            try produce { FileHandle.standardOutput.write(Data($0)) }
            return
        }
        do {
            try OutputFile.write(to: file, produce)
        } catch let error as OutputFileError {
            printError("\(file): error: cannot write \(what): \(error.reason). Check that its folder exists and is writable")
            throw Exit.usage
        }
        if isPage { printError("wrote \(what) to \(file): open it in a web browser") }
    }
}
