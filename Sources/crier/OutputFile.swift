import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a command's output file (`plan -o PATH`). A regular file (or a new one) is replaced
/// atomically: a temporary file beside it, fsync, rename, so a reader never sees half of it.
/// Anything else (`/dev/null`, `/dev/stdout`, a FIFO, a terminal) is written in place: renaming
/// over it would replace the device node or pipe with a regular file.
enum OutputFile {
    /// Writes `bytes` to `path`; an `OutputFileError` names the path and the system's reason.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0(bytes) }
    }

    /// Writes to `path` what `produce` hands its writer, piece by piece. Errors of the file are
    /// `OutputFileError`s (naming the path and the system's reason); those `produce` throws pass
    /// through, and the temporary file is removed either way.
    static func write(to path: String, _ produce: (_ write: ([UInt8]) throws -> Void) throws -> Void) throws {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputFileError(path: path, code: errno) }
            defer { close(fd) }
            try produce { try writeAll($0, to: fd, path: path) }
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputFileError(path: path, code: errno) }
        do {
            defer { close(fd) }
            try produce { try writeAll($0, to: fd, path: path) }
            guard fsync(fd) == 0 else { throw OutputFileError(path: path, code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutputFileError(path: path, code: code)
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws(OutputFileError) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw OutputFileError(path: path, code: errno) }
            written += count
        }
    }
}

/// Why an output file could not be written.
struct OutputFileError: Error {
    /// The file.
    var path: String
    /// errno.
    var code: Int32

    /// The system's reason.
    var reason: String { String(cString: strerror(code)) }
}
