/// The JSON Schemas (draft 2020-12) of crier's three file kinds, for editors
/// (yaml-language-server) and CI. They follow the loaders: a key the loader accepts is a
/// property here (a test checks it), and a literal `password` is refused here too.
/// `crier validate` remains the full check (cron syntax, time zones, templates, queries).
package enum ConfigSchema: String, CaseIterable, Sendable {
    /// crier.yaml.
    case crier
    /// schedules/*.yaml.
    case schedule
    /// The YAML front matter of templates/NAME.email.mustache.
    case frontMatter = "front-matter"

    /// The schema's `$id`, also the file name under `schemas/` in the repository.
    package var fileName: String { "\(rawValue).schema.json" }

    /// The schema as pretty JSON text.
    package var text: String {
        switch self {
        case .crier: return Self.crierText
        case .schedule: return Self.scheduleText
        case .frontMatter: return Self.frontMatterText
        }
    }

    private static let crierText = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://crier.example/schemas/crier.schema.json",
          "title": "crier.yaml",
          "description": "Settings of a crier config repository. Relative paths are relative to the folder holding crier.yaml.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "timezone": { "$ref": "#/$defs/timezone", "description": "IANA zone; the default of every schedule (default UTC)." },
            "snapshot": { "type": "string", "description": "The read-only SQLite snapshot (default data/snapshot.sqlite)." },
            "snapshot_max_age": { "$ref": "#/$defs/duration", "description": "An older snapshot (file mtime) plans nothing, exit 65." },
            "ledger": { "type": "string", "description": "The run ledger: a SQLite file (default state/ledger.sqlite) or a postgresql:// URL without a password." },
            "ledger_options": {
              "type": "object",
              "description": "Options of a PostgreSQL ledger.",
              "properties": {
                "password_env": { "type": "string" },
                "password_file": { "type": "string" }
              },
              "not": { "required": ["password"] },
              "additionalProperties": { "type": ["string", "integer", "boolean"] }
            },
            "catch_up": { "$ref": "#/$defs/duration", "description": "How late a missed cron slot may still run (default 6h)." },
            "attachments_dir": { "type": "string", "description": "Root for file attachments; paths may not leave it." },
            "metrics": {
              "type": "object",
              "additionalProperties": false,
              "required": ["textfile"],
              "properties": {
                "textfile": { "type": "string", "description": "Prometheus text file, written atomically after every run and execute." }
              }
            },
            "log_format": { "enum": ["text", "json"], "description": "Log lines on stderr: text (default) or one JSON object per line." },
            "email": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "from": { "type": "string", "description": "The From mailbox, e.g. \"Acme <noreply@acme.example>\"." },
                "reply_to": { "type": "string" },
                "envelope_from": { "type": "string", "description": "MAIL FROM / Return-Path; default: from's address." },
                "archive_bcc": { "type": "string", "description": "Every email also goes to this mailbox (envelope only)." },
                "transport": { "enum": ["outbox", "smtp"] },
                "smtp": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["url"],
                  "properties": {
                    "url": { "type": "string", "pattern": "^smtps?://" },
                    "tls": { "enum": ["required", "none"] },
                    "username": { "type": "string" },
                    "password_env": { "type": "string" },
                    "password_file": { "type": "string" },
                    "ca_file": { "type": "string" },
                    "connections": { "type": "integer", "minimum": 1, "maximum": 64 },
                    "rate": { "type": "string", "pattern": "^[0-9.]+/[smh]$" },
                    "max_per_day": { "type": "integer", "minimum": 1, "maximum": 10000000 }
                  }
                }
              }
            },
            "sms": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "transport": { "enum": ["outbox", "http", "email-gateway"] },
                "default_region": { "$ref": "#/$defs/region" },
                "allowed_regions": { "type": "array", "items": { "$ref": "#/$defs/region" } },
                "max_segments": { "type": "integer", "minimum": 1, "maximum": 10 },
                "http": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["url"],
                  "properties": {
                    "url": { "type": "string", "pattern": "^https?://" },
                    "format": { "enum": ["twilio", "json"] },
                    "username": { "type": "string" },
                    "password_env": { "type": "string" },
                    "password_file": { "type": "string" },
                    "from": { "type": "string" }
                  }
                },
                "email_gateway": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["domain"],
                  "properties": { "domain": { "type": "string" } }
                }
              }
            },
            "outbox": { "type": "string", "description": "Where the outbox transport writes (default outbox)." },
            "quiet_hours": { "$ref": "#/$defs/quietHours" },
            "opt_out_query": { "type": "string", "description": "SQL over the snapshot with an address column of opted-out numbers and emails." }
          },
          "$defs": {
            "timezone": { "type": "string", "pattern": "^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$" },
            "duration": { "type": "string", "pattern": "^( *[0-9]+ *[smhdw])+ *$" },
            "region": { "enum": ["NZ", "AU"] },
            "quietHours": { "type": "string", "pattern": "^([0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]|none)$" }
          }
        }
        """#

    private static let scheduleText = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://crier.example/schemas/schedule.schema.json",
          "title": "crier schedule",
          "description": "One schedule (schedules/ID.yaml; the id is the file name's stem).",
          "type": "object",
          "additionalProperties": false,
          "required": ["cron", "channel", "template", "trigger", "query"],
          "properties": {
            "description": { "type": "string" },
            "cron": { "type": "string", "description": "5 fields: minute hour day-of-month month day-of-week, or @daily-style macros." },
            "timezone": { "type": "string", "pattern": "^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+)$" },
            "enabled": { "type": "boolean" },
            "channel": { "enum": ["sms", "email"] },
            "template": { "type": "string", "description": "templates/NAME.sms.mustache or templates/NAME.email.mustache." },
            "trigger": {
              "type": "object",
              "minProperties": 1,
              "maxProperties": 1,
              "additionalProperties": false,
              "properties": {
                "upcoming": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["interval", "at"],
                  "properties": {
                    "interval": { "type": "string", "pattern": "^(today|[0-9]+ (day|days|week|weeks))$" },
                    "at": { "type": "string" }
                  }
                },
                "overdue": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["since", "after"],
                  "properties": {
                    "since": { "type": "string" },
                    "after": { "type": "string" },
                    "repeat": { "type": "integer", "minimum": 1, "maximum": 100 }
                  }
                },
                "change": {
                  "type": "object",
                  "additionalProperties": false,
                  "required": ["on"],
                  "properties": {
                    "on": {
                      "oneOf": [
                        { "$ref": "#/$defs/changeEvent" },
                        { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/changeEvent" } }
                      ]
                    },
                    "watch": { "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] },
                    "baseline": { "enum": ["silent", "send"] }
                  }
                }
              }
            },
            "query": { "type": "string", "description": "SELECT over the snapshot; key and recipient are reserved columns." },
            "quiet_hours": { "type": "string", "pattern": "^([0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9]|none)$" },
            "expires_after": { "type": "string", "description": "Drop an item older than this from its slot (default 24h)." },
            "times": { "type": "array", "items": { "type": "string" }, "description": "Columns that become time views in the schedule's zone." }
          },
          "$defs": {
            "changeEvent": { "enum": ["enter", "leave", "change"] }
          }
        }
        """#

    private static let frontMatterText = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://crier.example/schemas/front-matter.schema.json",
          "title": "crier email template front matter",
          "description": "The YAML between the --- lines at the top of templates/NAME.email.mustache. Each value is a Mustache template.",
          "type": "object",
          "additionalProperties": false,
          "required": ["subject"],
          "properties": {
            "subject": { "type": "string" },
            "reply_to": { "type": "string" },
            "cc": { "type": "string" },
            "bcc": { "type": "string" },
            "attachments": {
              "type": "array",
              "items": {
                "type": "object",
                "additionalProperties": false,
                "oneOf": [{ "required": ["pdf"] }, { "required": ["file"] }],
                "properties": {
                  "pdf": { "type": "string", "description": "templates/NAME.pdf.mustache, laid out as an A4 PDF." },
                  "file": { "type": "string", "description": "A file under attachments_dir." },
                  "filename": { "type": "string" }
                }
              }
            }
          }
        }
        """#
}
