/// A place in a file that a person can open: 1-based line and column.
package struct FileLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the user gave it or as found in the config repository.
    package var file: String
    /// 1-based line; 0 when only the file is known.
    package var line: Int
    /// 1-based column; 0 when only the line is known.
    package var column: Int

    /// A location in `file` at `line`:`column`.
    package init(file: String, line: Int = 0, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, leaving out what is unknown.
    package var description: String {
        guard line > 0 else { return file }
        guard column > 0 else { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }

    /// The same file, `lines` further down and at `column` (for text embedded in a YAML block).
    package func offset(lines: Int, column: Int) -> FileLocation {
        FileLocation(file: file, line: line + lines, column: column)
    }
}
