import Logging

/// Passes every log line (message and metadata values) through `Redaction` before `base`
/// writes it: the last line of defence for what a log collector keeps.
package struct RedactingLogHandler: LogHandler {
    /// The handler that writes the lines.
    package var base: any LogHandler

    /// Masks what `base` would write.
    package init(_ base: any LogHandler) { self.base = base }

    /// `base`'s metadata.
    package var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    /// `base`'s level.
    package var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    /// `base`'s metadata provider.
    package var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    /// One of `base`'s metadata values.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    /// Masks `event`'s message and metadata, then hands it to `base`.
    package func log(event: LogEvent) {
        var event = event
        event.message = "\(Redaction.redact(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.redact)
        base.log(event: event)
    }

    private static func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): return .string(Redaction.redact(text))
        case .stringConvertible(let text): return .string(Redaction.redact(text.description))
        case .array(let values): return .array(values.map(redact))
        case .dictionary(let values): return .dictionary(values.mapValues(redact))
        }
    }
}
