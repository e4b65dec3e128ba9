import Foundation

/// The validated settings of a config repository (crier.yaml), with defaults resolved and
/// relative paths made absolute against the folder holding crier.yaml.
package struct Config: Sendable {
    /// Where crier.yaml is, as given.
    package var file: String
    /// The folder holding crier.yaml; relative paths are resolved against it.
    package var directory: String
    /// Default zone of every schedule.
    package var timeZone: TimeZone
    /// The read-only SQLite snapshot.
    package var snapshotPath: String
    /// The run ledger (SQLite, created on first run).
    package var ledgerPath: String
    /// How late a missed cron slot may still run, in seconds.
    package var catchUpSeconds: Int
    /// Email settings.
    package var email: EmailSettings
    /// SMS settings.
    package var sms: SMSSettings
    /// Where the outbox transport writes.
    package var outboxPath: String
    /// When no SMS goes out, unless a schedule says otherwise (`quiet_hours:`).
    package var quietHours: QuietHours? = nil
    /// More opt-outs, read from the snapshot (`opt_out_query:`).
    package var optOutQuery: OptOutQuery? = nil
    /// The oldest snapshot that may be planned over (`snapshot_max_age:`); nil: any age.
    package var snapshotMaxAge: SnapshotMaxAge? = nil
    /// The only folder `file:` attachments may come from (`attachments_dir:`), absolute.
    package var attachmentsDir: String? = nil
    /// A PostgreSQL ledger (`ledger: postgresql://...`); nil: the SQLite file at `ledgerPath`.
    package var postgresLedger: PostgresLedgerSettings? = nil

    /// Where the ledger lives.
    package var ledger: LedgerLocation { postgresLedger.map(LedgerLocation.postgresql) ?? .sqlite(path: ledgerPath) }
    /// Where `run` and `execute` write Prometheus metrics (`metrics: { textfile: PATH }`), absolute.
    package var metricsTextfile: String? = nil
    /// How log lines are written (`log_format:`); `--log-format` overrides it.
    package var logFormat: LogFormat = .text

    /// The default catch-up window: 6 hours.
    package static let defaultCatchUpSeconds = 6 * 3600
}

/// How email is sent and who it comes from.
package struct EmailSettings: Sendable {
    /// Which transport delivers email.
    package enum Transport: String, Sendable, CaseIterable {
        case outbox
        case smtp
    }

    /// The From mailbox, e.g. `Acme Services <noreply@acme.example>`; nil when email is not set up.
    package var from: Mailbox?
    /// Reply-To mailboxes (Once Track: replies go to the office, not to the sending account).
    package var replyTo: [Mailbox]
    /// The transport.
    package var transport: Transport
    /// SMTP settings when `transport` is smtp (or the SMS email gateway needs it).
    package var smtp: SMTPSettings?
    /// The envelope sender (MAIL FROM, where bounces return); nil: From's address.
    package var envelopeFrom: String? = nil
    /// A mailbox that gets a copy of every email through the envelope only (`archive_bcc`).
    package var archiveBcc: String? = nil
}

/// Where SMTP delivery connects and how it authenticates. The password is never stored here,
/// only where to find it.
package struct SMTPSettings: Sendable {
    /// TLS policy: `required` never falls back to plain text.
    package enum TLS: String, Sendable, CaseIterable {
        case required
        case none
    }

    /// `smtp://host:port` or `smtps://host:port`.
    package var url: String
    /// TLS policy.
    package var tls: TLS
    /// Login name, if the server wants AUTH.
    package var username: String?
    /// Where the password comes from.
    package var password: SecretSource?
    /// Where `password_env` / `password_file` is written, for warnings about it.
    package var passwordSetting: SettingPlace? = nil
    /// Extra trust anchor (PEM), absolute path.
    package var caFile: String?
    /// Parallel SMTP sessions.
    package var connections: Int
    /// At most this many messages per second, if set.
    package var ratePerSecond: Double?
    /// At most this many messages per day, if set; the rest wait for the next run.
    package var maxPerDay: Int?
}

/// Where a secret is read from at delivery time: never from YAML.
package enum SecretSource: Sendable, Equatable {
    /// An environment variable's name.
    case environment(String)
    /// A file's absolute path.
    case file(String)
}

/// Where a setting is written: its location and source line, for a diagnostic about it found
/// later (a `password_env` variable that is unset when `validate` runs).
package struct SettingPlace: Sendable, Equatable {
    /// The setting's value's location.
    package var location: FileLocation
    /// Its source line.
    package var sourceLine: String?

    /// A warning placed at this setting.
    package func warning(_ message: String, hint: String) -> Diagnostic {
        .warning(message, at: location, hint: hint, sourceLine: sourceLine)
    }
}

/// How SMS are sent.
package struct SMSSettings: Sendable {
    /// Which transport delivers SMS.
    package enum Transport: String, Sendable, CaseIterable {
        case outbox
        case http
        case emailGateway = "email-gateway"
    }

    /// The transport.
    package var transport: Transport
    /// How national numbers are read.
    package var defaultRegion: PhoneRegion
    /// The most segments one SMS may take (1 = 160 GSM-7 or 70 UCS-2 characters).
    package var maxSegments: Int
    /// HTTP gateway settings, when `transport` is http.
    package var http: HTTPGatewaySettings?
    /// The email-to-SMS domain, when `transport` is email-gateway.
    package var emailGatewayDomain: String?
    /// Only numbers of these countries are messaged (`allowed_regions`); nil: any country.
    package var allowedRegions: Set<PhoneRegion>? = nil

    /// Whether `number` is in an allowed country.
    package func allows(_ number: PhoneNumber) -> Bool {
        guard let allowedRegions else { return true }
        return number.region.map(allowedRegions.contains) ?? false
    }
}

/// An HTTP SMS gateway.
package struct HTTPGatewaySettings: Sendable {
    /// Request format.
    package enum Format: String, Sendable, CaseIterable {
        case twilio
        case json
    }

    /// The endpoint URL.
    package var url: String
    /// Request format.
    package var format: Format
    /// Basic-auth user (Twilio: the account SID).
    package var username: String?
    /// Where the password or token comes from.
    package var password: SecretSource?
    /// Where `password_env` / `password_file` is written, for warnings about it.
    package var passwordSetting: SettingPlace? = nil
    /// The sender number or id, if the gateway wants one.
    package var from: String?
}

extension Config {
    /// The channels whose messages travel over SMTP: email with `email.transport: smtp`, and
    /// SMS too when they go through the email gateway. `connections`, `rate` and
    /// `max_per_day` apply to these.
    package var smtpChannels: Set<Channel> {
        guard email.transport == .smtp, email.smtp != nil else { return [] }
        return sms.transport == .emailGateway ? [.email, .sms] : [.email]
    }
}
