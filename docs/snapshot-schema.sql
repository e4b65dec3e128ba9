-- crier reference snapshot schema
--
-- A read-only copy of a field-service business database (TimeTrak-like: clients, contacts,
-- jobs, tasks, appointments, technicians), with the tables of the Smart, RangerMSP and
-- AngelTrack example packs. crier never writes to it; schedules query it. `crier sample`
-- creates a snapshot with exactly this schema, filled with realistic data.
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

-- ---------------------------------------------------------------------------------------------
-- Smart (alarm and service jobs): job notifications by subscription, incomplete reminders.
-- Customers are `clients`.

-- A company that attends service jobs. Its own email and SMS number are where "Notify Provider"
-- notifications go; when the one a notification needs is NULL, nothing is sent.
CREATE TABLE service_providers (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  email      TEXT,
  sms_number TEXT
);

-- An alarm monitoring company that locations belong to.
CREATE TABLE alarm_companies (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL,
  email TEXT
);

-- A customer's site.
CREATE TABLE locations (
  id               INTEGER PRIMARY KEY,
  client_id        INTEGER NOT NULL REFERENCES clients(id),
  name             TEXT NOT NULL,
  address          TEXT,
  alarm_company_id INTEGER REFERENCES alarm_companies(id)
);
CREATE INDEX locations_client ON locations(client_id);

-- A service job (Smart's Job Details). status: In Progress | Completed | Cancelled; "Completed"
-- notifications fire when it leaves In Progress. `deferred` = 1 is the Deferred box: no
-- notification at all. `dispatched_at`, `on_site_at`, `off_site_at`: when the job was dispatched,
-- and when the technician arrived on site and left. A job is incomplete while it has a
-- dispatched or on-site time and no off-site time. `invoice_number` is set when an invoice with
-- this job on it is produced.
CREATE TABLE service_jobs (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  location_id     INTEGER NOT NULL REFERENCES locations(id),
  provider_id     INTEGER REFERENCES service_providers(id),
  service_type    TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'In Progress',
  deferred        INTEGER NOT NULL DEFAULT 0,
  docket_number   TEXT,
  initial_request TEXT NOT NULL,
  outcome         TEXT,
  technician      TEXT,
  dispatched_at   TEXT,
  on_site_at      TEXT,
  off_site_at     TEXT,
  invoice_number  TEXT
);
CREATE INDEX service_jobs_location ON service_jobs(location_id);

-- Smart's notifications (the "Update Notification" window), each on a customer, an alarm
-- company, a location or a service provider.
--   subscriber_type   customer | alarm_company | location | provider; subscriber_id is a
--                     clients, alarm_companies, locations or service_providers id. A provider's
--                     notifications are about the jobs it is the provider of.
--   service_type      NULL: every service type.
--   notify_when       dispatched | completed | invoiced | updated_incomplete | updated_complete |
--                     incomplete.
--   via               SMS | Text Email | PDF Email.
--   address           the mobile number (SMS) or email address.
--   recipient_name    for reference only: never part of a message.
--   notify_provider   1: the notification goes to the job's provider's own SMS number (SMS) or
--                     email instead of `address`, and nowhere when the provider has none.
--   dont_notify       1 (location rows only): the customer's notifications of the same
--                     notify_when (and service type, when set) are not sent for this location's
--                     jobs, so that its other rows can name its own recipients; sends nothing.
--   remind_after_days, remind_times: for `incomplete`, the first reminder N days after the later
--                     of the dispatched and on-site times, then again every N days, K times in all.
CREATE TABLE subscriptions (
  id                INTEGER PRIMARY KEY,
  subscriber_type   TEXT NOT NULL,
  subscriber_id     INTEGER NOT NULL,
  service_type      TEXT,
  notify_when       TEXT NOT NULL,
  via               TEXT NOT NULL DEFAULT 'Text Email',
  address           TEXT,
  recipient_name    TEXT,
  notify_provider   INTEGER NOT NULL DEFAULT 0,
  dont_notify       INTEGER NOT NULL DEFAULT 0,
  remind_after_days INTEGER NOT NULL DEFAULT 1,
  remind_times      INTEGER NOT NULL DEFAULT 1
);

-- ---------------------------------------------------------------------------------------------
-- RangerMSP (MSP ticketing): New Ticket and Ticket Closed alerts to external recipients.

-- A ticket. status: New | In Progress | Waiting | Completed (closing a ticket sets Completed).
-- source, how it was created: employee | api (Commit API) | email_connector (Email-to-Ticket) |
-- automated_email (the email connector's formatted emails) | web (Commit Web Interface). Only
-- tickets created by an employee or through the API raise a New Ticket alert.
CREATE TABLE tickets (
  id         INTEGER PRIMARY KEY,
  number     TEXT NOT NULL UNIQUE,
  client_id  INTEGER NOT NULL REFERENCES clients(id),
  title      TEXT NOT NULL,
  status     TEXT NOT NULL DEFAULT 'New',
  source     TEXT NOT NULL DEFAULT 'employee',
  created_at TEXT NOT NULL,
  closed_at  TEXT
);

-- People a ticket's alerts go to; `external` = 1 for the customer's side.
CREATE TABLE ticket_recipients (
  ticket_id INTEGER NOT NULL REFERENCES tickets(id),
  name      TEXT NOT NULL,
  email     TEXT NOT NULL,
  external  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ticket_recipients_ticket ON ticket_recipients(ticket_id);

-- ---------------------------------------------------------------------------------------------
-- AngelTrack (ambulance dispatch): dispatch emails to affiliates and employees.

-- A partner service that takes dispatches.
CREATE TABLE affiliates (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL,
  email TEXT NOT NULL
);

-- A dispatch (a run). status: Scheduled | Cancelled | Completed. affiliate_id: who it is
-- assigned to (NULL: our own crews).
CREATE TABLE dispatches (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,
  pickup_at    TEXT NOT NULL,
  origin       TEXT NOT NULL,
  destination  TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'Scheduled',
  affiliate_id INTEGER REFERENCES affiliates(id)
);

-- An employee; notify_events: comma-separated of assigned, cancelled (what they chose).
-- `texts` = 1: text messages instead of emails, to `sms_number`.
CREATE TABLE employees (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  email         TEXT NOT NULL,
  notify_events TEXT NOT NULL DEFAULT '',
  texts         INTEGER NOT NULL DEFAULT 0,
  sms_number    TEXT
);
