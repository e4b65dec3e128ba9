import CrierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The embedded default transport: delivers into files, so a fresh checkout runs end to end
/// with no server. Email → `OUTBOX/email/<id>.eml` (complete RFC 5322, Bcc kept so the file
/// shows every recipient), SMS → `OUTBOX/sms/<id>.json`. With `envelope_from` or `archive_bcc`
/// set, the .eml starts with `Return-Path:` and `OUTBOX/envelope/<id>.json` holds the SMTP
/// envelope (`mail_from`, `rcpt_to`): the archive copy's address appears in no header. Each file appears atomically
/// (temp file, fsync, rename), so a file that exists is a delivery that happened.
package struct OutboxTransport: Transport {
    /// The outbox folder.
    package let directory: String

    /// An outbox in `directory` (created on first delivery).
    package init(directory: String) {
        self.directory = directory
    }

    /// `outbox`.
    package var name: String { "outbox" }

    /// A file that exists was delivered, a missing one was not; an item is delivered once.
    package var reconcileIsCertain: Bool { true }

    /// Writes the message's file; the rename is the hand-over. An item whose file exists was
    /// delivered already (by a run whose ledger records a power cut undid): it is not written again.
    package func deliver(_ message: OutboundMessage, handOver: @escaping () -> Bool) -> DeliveryOutcome {
        let channel: Channel = if case .sms = message { .sms } else { .email }
        if access(path(id: message.itemID, channel: channel), F_OK) == 0 { return .delivered(providerID: nil) }
        do {
            switch message {
            case .email(let id, let email):
                var bytes = try email.serialize(includeBcc: true)
                if email.envelopeFrom != nil || !email.envelopeBcc.isEmpty {
                    // What a mailbox shows of the envelope: Return-Path; the full envelope beside it.
                    bytes = Array("Return-Path: <\(email.envelopeSender)>\r\n".utf8) + bytes
                    let envelope = JSONValue.object([
                        ("mail_from", .string(email.envelopeSender)),
                        ("rcpt_to", .array(email.envelopeRecipients.map(JSONValue.string))),
                    ])
                    try write(Array(envelope.rendered().utf8), to: "\(directory)/envelope/\(id).json", handOver: { true })
                }
                try write(bytes, to: path(id: id, channel: .email), handOver: handOver)
            case .sms(let id, let sms):
                let json = JSONValue.object([
                    ("recipient", .string(sms.recipient)), ("body", .string(sms.body)),
                    ("segments", .int(sms.segments)), ("encoding", .string(sms.encoding)),
                ])
                try write(Array(json.rendered().utf8), to: path(id: id, channel: .sms), handOver: handOver)
            }
            return .delivered(providerID: nil)
        } catch OutboxError.unmarked {
            return .unmarked
        } catch let error as MIMEError {
            return .permanent(error.message)
        } catch let error as OutboxError {
            return .transient(error.description)
        } catch {
            return .transient("\(error)")
        }
    }

    /// A file that exists was delivered; a missing one was not (rename is atomic). The
    /// temporary files a killed run left for the item (`.ID.eml.PID.tmp`) are removed.
    package func reconcile(itemID: String, channel: Channel) -> Bool? {
        let target = path(id: itemID, channel: channel)
        let folder = (target as NSString).deletingLastPathComponent
        let prefix = ".\((target as NSString).lastPathComponent)."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let pid = Int32(name.dropFirst(prefix.count).dropLast(4)) ?? 0
            if pid != getpid(), pid <= 0 || kill(pid, 0) != 0 { unlink("\(folder)/\(name)") }
        }
        return FileManager.default.fileExists(atPath: target)
    }

    /// Where the item's file goes.
    package func path(id: String, channel: Channel) -> String {
        switch channel {
        case .email: return "\(directory)/email/\(id).eml"
        case .sms: return "\(directory)/sms/\(id).json"
        }
    }

    private func write(_ bytes: [UInt8], to path: String, handOver: () -> Bool) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(folder)/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutboxError.io(temporary, errno) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                let code = errno
                close(fd)
                unlink(temporary)
                throw OutboxError.io(temporary, code)
            }
            written += count
        }
        guard fsync(fd) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw OutboxError.io(temporary, code)
        }
        close(fd)
        guard handOver() else {
            unlink(temporary)
            throw OutboxError.unmarked
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw OutboxError.io(path, code)
        }
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }
}

/// A file-system failure in the outbox (transient: disk full, permissions fixed later).
package enum OutboxError: Error, CustomStringConvertible {
    /// A system call failed on a path.
    case io(String, Int32)
    /// The ledger could not record the hand-over, so the file was not put in place.
    case unmarked

    /// The path and the system's reason.
    package var description: String {
        switch self {
        case .io(let path, let code): return "\(path): \(String(cString: strerror(code)))"
        case .unmarked: return "the ledger could not record the hand-over"

        }
    }
}
