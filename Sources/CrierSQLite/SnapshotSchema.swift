/// The reference snapshot schema (`docs/snapshot-schema.sql`), embedded so that `crier sample` and tests need no files.
package enum SnapshotSchema {
    /// The exact text of `docs/snapshot-schema.sql`, byte for byte (a test checks it); keep the two in sync.
    package static let sql: String = #"""
    -- crier reference snapshot schema
    --
    -- A read-only copy of a field-service business database (TimeTrak-like: clients, contacts,
    -- jobs, tasks, appointments, technicians). crier never writes to it; schedules query it.
    -- `crier sample` creates a snapshot with exactly this schema, filled with realistic data.
    --
    -- Conventions
    --   * Timestamps are ISO 8601 UTC text, 'YYYY-MM-DDTHH:MM:SSZ', so that text comparison with
    --     the engine's :window_start / :window_end parameters is exact and uses the indexes.
    --   * Flags are INTEGER 0/1; NULL in an appointment's flag means "inherit from the client".
    --   * Phone numbers are stored as people typed them (national or international, with spaces);
    --     crier normalises them (default_region in crier.yaml) and skips invalid ones.

    -- A customer. `sms_reminders` is TimeTrak's client setting "SMS Appointment Reminders"
    -- (disabled by default on new clients). `mobile` is the client's own mobile, used when the
    -- client itself is the appointment's contact.
    CREATE TABLE clients (
      id            INTEGER PRIMARY KEY,
      name          TEXT    NOT NULL,
      mobile        TEXT,
      email         TEXT,
      sms_reminders INTEGER NOT NULL DEFAULT 0
    );

    -- A person at a client. `sms_number` is the number SMS go to (often copied from `mobile`).
    CREATE TABLE contacts (
      id         INTEGER PRIMARY KEY,
      client_id  INTEGER NOT NULL REFERENCES clients(id),
      name       TEXT    NOT NULL,
      phone      TEXT,
      mobile     TEXT,
      sms_number TEXT,
      email      TEXT,
      active     INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX contacts_client ON contacts(client_id);

    -- A technician (TimeTrak user) who attends appointments.
    CREATE TABLE users (
      id    INTEGER PRIMARY KEY,
      name  TEXT NOT NULL,
      email TEXT
    );

    -- A job for a client; `code` is what people quote ("J000123"). `contact_id` is the job contact.
    CREATE TABLE jobs (
      id         INTEGER PRIMARY KEY,
      code       TEXT    NOT NULL UNIQUE,
      client_id  INTEGER NOT NULL REFERENCES clients(id),
      contact_id INTEGER REFERENCES contacts(id),
      title      TEXT    NOT NULL,
      status     TEXT    NOT NULL DEFAULT 'Open',     -- Open | Completed | Cancelled
      created_at TEXT    NOT NULL
    );
    CREATE INDEX jobs_client ON jobs(client_id);

    -- A task within a job; `contact_id` is the task contact (overrides the job contact).
    CREATE TABLE tasks (
      id         INTEGER PRIMARY KEY,
      job_id     INTEGER NOT NULL REFERENCES jobs(id),
      contact_id INTEGER REFERENCES contacts(id),
      title      TEXT    NOT NULL
    );
    CREATE INDEX tasks_job ON tasks(job_id);

    -- A booked visit. Contact resolution (TimeTrak): the appointment's own contact, else the task
    -- contact, else the job contact, else the client itself (`contact_is_client` = 1 says the
    -- client was chosen explicitly). `sms_reminder` NULL inherits clients.sms_reminders.
    CREATE TABLE appointments (
      id                INTEGER PRIMARY KEY,
      task_id           INTEGER NOT NULL REFERENCES tasks(id),
      user_id           INTEGER REFERENCES users(id),
      contact_id        INTEGER REFERENCES contacts(id),
      contact_is_client INTEGER NOT NULL DEFAULT 0,
      starts_at         TEXT    NOT NULL,
      ends_at           TEXT    NOT NULL,
      sms_reminder      INTEGER,
      cancelled         INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX appointments_starts_at ON appointments(starts_at);
    CREATE INDEX appointments_task ON appointments(task_id);

    """#
}
