#!/usr/bin/env bash
# Benchmark: deliver COUNT emails (default 10,000) over SMTP to postfix's smtp-sink on 127.0.0.1,
# with crier (release build, `connections: 1` and `connections: 8`), postfix's smtp-source
# (1 and 8 sessions) and awdeorio's mailmerge (1 process, and 8 processes on slices of the CSV).
# Every run gets a fresh sink on a free port; its counters must show COUNT messages, and crier's
# ledger must say COUNT sent. Prints a table: tool, connections, messages, seconds, messages/s,
# SMTP sessions, peak RSS.
#   ./contrib/bench-smtp.sh [COUNT]          KEEP=1 keeps the temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
[[ "$COUNT" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [COUNT]" >&2; exit 64; }
ROOT=$PWD
# A Monday 16:00 in Auckland: the slot of the shipped appointment-email schedule, whose window is
# the whole local day three days later (Thursday 2026-11-26), where the sample puts every visit.
AT=2026-11-23T16:00:00+13:00
DAY=2026-11-26
PARALLEL=8
FROM=noreply@acme.example

sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
# --- what the benchmark needs -----------------------------------------------------------------
{ command -v sqlite3 && command -v python3; } >/dev/null || ./contrib/install-deps.sh
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/time ] || apt_install time
if [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/sbin/smtp-source ]; then
  # Only the two test programs are used; "No configuration" leaves the postfix service unconfigured.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo_cmd debconf-set-selections
  apt_install postfix
fi
MAILMERGE=$(command -v mailmerge || true)
if [ -z "$MAILMERGE" ]; then
  MAILMERGE=$ROOT/bench/out/venv/bin/mailmerge
  if [ ! -x "$MAILMERGE" ]; then
    python3 -m venv "$ROOT/bench/out/venv"
    "$ROOT/bench/out/venv/bin/pip" install -q 'mailmerge==2.3.0'
  fi
fi
swift build -c release --product crier >/dev/null
CRIER=$ROOT/.build/release/crier
# Nothing may throttle crier: these are the delivery pace (tests) and the retry delay.
unset CRIER_DELIVERY_PACE_MS CRIER_RETRY_DELAY_MS CRIER_LOG_LEVEL

TMP=$(mktemp -d "${TMPDIR:-/tmp}/crier-bench-smtp.XXXXXX")
chmod 755 "$TMP"                      # smtp-sink runs as nobody when we are root (probe dumps)
SINK_PID="" WATCH_PID=""
cleanup() {
  for pid in $WATCH_PID $SINK_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the sink -----------------------------------------------------------------------------------
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start_sink LOG [smtp-sink options...]: a fresh sink on a free port; sets PORT and SINK_PID.
start_sink() {
  local log=$1; shift
  local user=(); [ "$(id -u)" -ne 0 ] || user=(-u nobody)
  PORT=$(free_port)
  # -c: counters (sess=, quit=, mesg=) after every session end, QUIT and "."; -m: up to 64
  # simultaneous connections; backlog 64 (room for 8 senders and mailmerge's reconnects).
  /usr/sbin/smtp-sink "${user[@]}" -c -m 64 "$@" "127.0.0.1:$PORT" 64 > "$log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 50); do
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$PORT" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "smtp-sink did not start:" >&2; cat "$log" >&2; exit 1
}
stop_sink() {
  sleep 0.3                             # the last session's counters
  if [ -n "$WATCH_PID" ]; then kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; fi
  kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true; SINK_PID="" WATCH_PID=""
}
# watch_sink LOG OUT: polls the sink's counters every 20 ms, in the background, and writes to OUT
# the wall-clock times of its first message and of message COUNT (sets WATCH_PID).
cat > "$TMP/watch.py" <<'W'
import os, re, sys, time
log, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
first = None
while True:
    with open(log, "rb") as f:
        f.seek(max(0, os.path.getsize(log) - 300))
        counters = re.findall(rb"mesg=(\d+)", f.read())
    now, n = time.time(), int(counters[-1]) if counters else 0
    if n > 0 and first is None:
        first = now
    if n >= count:
        open(out, "w").write(f"{first:.3f} {now:.3f}\n")
        break
    time.sleep(0.02)
W
watch_sink() { python3 "$TMP/watch.py" "$1" "$COUNT" "$2" & WATCH_PID=$!; }
# finish_watch: gives the watcher 2 s to see the last message (it never does when one is missing).
finish_watch() {
  for _ in $(seq 40); do kill -0 "$WATCH_PID" 2>/dev/null || break; sleep 0.05; done
  kill "$WATCH_PID" 2>/dev/null || true; wait "$WATCH_PID" 2>/dev/null || true; WATCH_PID=""
}
# sink_count LOG NAME: the last value of counter NAME (mesg, sess) the sink printed.
sink_count() { tr '\r' '\n' < "$1" | sed -n "s/.*$2=\([0-9]*\).*/\1/p" | tail -1; }

RESULTS=$TMP/results.tsv
: > "$RESULTS"
# record TOOL CONNECTIONS SINKLOG TIMEFILE WINDOWFILE: checks the count, adds a row to the table.
record() {
  local tool=$1 connections=$2 log=$3 timefile=$4 window=$5 received sessions seconds rss first last
  # start_sink's readiness check is the first session.
  received=$(sink_count "$log" mesg); sessions=$(( $(sink_count "$log" sess) - 1 ))
  read -r seconds rss < <(tail -1 "$timefile")
  if [ "${received:-0}" -ne "$COUNT" ]; then
    echo "error: $tool x$connections: the sink received ${received:-0} messages, not $COUNT" >&2; exit 1
  fi
  read -r first last < "$window"       # written once the sink counted COUNT
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$connections" "$received" "$seconds" "${sessions:-?}" "$rss" \
    "$(python3 -c "print(f'{$last - $first:.2f}')")" >> "$RESULTS"
  printf '  %s x%s: %s messages in %s s (%s SMTP sessions), peak %s KiB\n' "$tool" "$connections" "$received" "$seconds" "${sessions:-?}" "$rss"
}

# --- the data: a sample snapshot whose visits all fall on the window's day ----------------------
# ~72% of the sample's appointments have a client email and are not cancelled.
APPOINTMENTS=$(( COUNT * 3 / 2 + 100 ))
SNAP=$TMP/snapshot.sqlite
"$CRIER" sample --appointments "$APPOINTMENTS" --first-day "$DAY" --days 1 -o "$SNAP" >/dev/null

# The shipped appointment-email schedule, with two changes: the key is the appointment (the
# shipped one, the job, folds a job's visits of one day into one email) and LIMIT COUNT.
# make_repo DIR CONNECTIONS LIMIT: a config repository delivering to the sink at $PORT.
make_repo() {
  local dir=$1 connections=$2 limit=$3
  rm -rf "$dir"; mkdir -p "$dir/schedules" "$dir/templates" "$dir/data"
  ln -s "$SNAP" "$dir/data/snapshot.sqlite"
  cp "$ROOT"/templates/appointment-details.email*.mustache "$dir/templates/"
  cat > "$dir/crier.yaml" <<Y
timezone: Pacific/Auckland
snapshot: data/snapshot.sqlite
ledger: state/ledger.sqlite
catch_up: 6h
email:
  from: "Acme Services <$FROM>"
  reply_to: office@acme.example
  transport: smtp
  smtp: { url: "smtp://127.0.0.1:$PORT", tls: none, connections: $connections }
Y
  cat > "$dir/schedules/appointment-email.yaml" <<Y
description: Email the client three days before each appointment (bench copy)
cron: "0 16 * * MON-FRI"
channel: email
template: appointment-details
trigger:
  upcoming: { interval: 3 days, at: starts_at }
query: |
  SELECT j.code || '-' || a.id AS key, a.starts_at, a.ends_at, cl.email AS recipient, cl.name,
         j.title, u.name AS technician
  FROM appointments a
  JOIN tasks t ON t.id = a.task_id
  JOIN jobs j ON j.id = t.job_id
  JOIN clients cl ON cl.id = j.client_id
  LEFT JOIN users u ON u.id = a.user_id
  WHERE a.starts_at >= :window_start AND a.starts_at < :window_end
    AND a.cancelled = 0
    AND cl.email IS NOT NULL
  ORDER BY a.starts_at, a.id
  LIMIT $limit
Y
}

# The same rows for mailmerge, as CSV (local times: NZDT is +13:00 in November). Double quotes
# in titles become single ones: mailmerge sniffs the CSV dialect from its first 1 KiB, and with no
# "" there it reads a later "" as the end of the field.
CSV=$TMP/mailmerge/mailmerge_database.csv
mkdir -p "$TMP/mailmerge"
sqlite3 -csv -header "$SNAP" "
  SELECT cl.email AS email, cl.name AS name, j.code || '-' || a.id AS key, replace(j.title, char(34), char(39)) AS title,
         u.name AS technician, strftime('%d/%m/%Y %H:%M', a.starts_at, '+13 hours') AS visit
  FROM appointments a
  JOIN tasks t ON t.id = a.task_id
  JOIN jobs j ON j.id = t.job_id
  JOIN clients cl ON cl.id = j.client_id
  LEFT JOIN users u ON u.id = a.user_id
  WHERE a.starts_at >= '2026-11-25T11:00:00Z' AND a.starts_at < '2026-11-26T11:00:00Z'
    AND a.cancelled = 0 AND cl.email IS NOT NULL
  ORDER BY a.starts_at, a.id LIMIT $COUNT;" > "$CSV"
[ "$(( $(wc -l < "$CSV") - 1 ))" -ge "$COUNT" ] || { echo "error: the sample has fewer than $COUNT rows for mailmerge" >&2; exit 1; }
# The shipped template's plain text and HTML, as mailmerge's multipart/alternative template.
cat > "$TMP/mailmerge/mailmerge_template.txt" <<'T'
TO: {{email}}
FROM: Acme Services <noreply@acme.example>
REPLY-TO: office@acme.example
SUBJECT: Your Acme Services visit on {{visit}} ({{key}})
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="crier-bench-boundary"

--crier-bench-boundary
Content-Type: text/plain; charset=utf-8

Kia ora {{name}},

This is a reminder of your upcoming visit from Acme Services.

  Job:        {{key}} {{title}}
  When:       {{visit}}
{% if technician %}  Technician: {{technician}}
{% endif %}
If this time no longer suits, reply to this email or call the office on 09 555 0100.

Ngā mihi,
Acme Services

--crier-bench-boundary
Content-Type: text/html; charset=utf-8

<!DOCTYPE html>
<html lang="en">
<body style="font-family: sans-serif">
<p>Kia ora {{name}},</p>
<p>This is a reminder of your upcoming visit from Acme Services.</p>
<table>
<tr><th align="left">Job</th><td>{{key}} {{title}}</td></tr>
<tr><th align="left">When</th><td>{{visit}}</td></tr>
{% if technician %}<tr><th align="left">Technician</th><td>{{technician}}</td></tr>{% endif %}
</table>
<p>If this time no longer suits, reply to this email or call the office on 09 555 0100.</p>
<p>Ngā mihi,<br>Acme Services</p>
</body>
</html>

--crier-bench-boundary--
T
mailmerge_conf() {
  printf '[smtp_server]\nhost = 127.0.0.1\nport = %s\nsecurity = Never\nratelimit = 0\n' "$PORT" \
    > "$TMP/mailmerge/mailmerge_server.conf"
}

# --- probe: 20 messages of each kind, dumped, to size smtp-source's messages and check content --
echo "== probe: message sizes (20 messages each, dumped by the sink)"
mkdir -p "$TMP/probe/crier" "$TMP/probe/mailmerge"; chmod 777 "$TMP/probe/crier" "$TMP/probe/mailmerge"
start_sink "$TMP/probe/sink-crier.log" -d "$TMP/probe/crier/m."
make_repo "$TMP/probe/repo" 1 20
(cd "$TMP/probe/repo" && "$CRIER" run --at "$AT" > run.txt) || { cat "$TMP/probe/repo/run.txt"; exit 1; }
stop_sink
start_sink "$TMP/probe/sink-mailmerge.log" -d "$TMP/probe/mailmerge/m."
mailmerge_conf
(cd "$TMP/mailmerge" && "$MAILMERGE" --no-dry-run --limit 20 --output-format raw > /dev/null)
stop_sink
SIZE=$(python3 - "$TMP/probe" <<'PY'
import glob, os, sys
sizes = {}
for tool in ("crier", "mailmerge"):
    lengths = []
    for path in glob.glob(os.path.join(sys.argv[1], tool, "m.*")):
        lines = open(path, "rb").read().split(b"\n")
        # smtp-sink's own headers: X-Client-*, X-Helo/Mail/Rcpt-Args, then a 3-line Received.
        i = 0
        while lines[i].startswith(b"X-"): i += 1
        message = b"\n".join(lines[i + 3:])
        assert tool != "crier" or b"Message-ID: <" in message, path
        lengths.append(len(message))
    sizes[tool] = sum(lengths) // max(1, len(lengths))
    print(f"  {tool}: {len(lengths)} messages, {sizes[tool]} bytes each on average", file=sys.stderr)
print(sizes["crier"])
PY
)
# smtp-source adds about 200 bytes of headers (From, To, Date, Message-Id, Subject) to -l.
SOURCE_LENGTH=$(( SIZE > 400 ? SIZE - 200 : 200 ))
echo "  smtp-source: -l $SOURCE_LENGTH (plus its own headers)"

# --- crier ----------------------------------------------------------------------------------------
for connections in 1 $PARALLEL; do
  echo "== crier, connections: $connections"
  REPO=$TMP/crier-$connections
  start_sink "$TMP/sink-crier-$connections.log"
  make_repo "$REPO" "$connections" "$COUNT"
  # The plan alone (it writes no ledger): what `run` does before it records and delivers.
  (cd "$REPO" && /usr/bin/time -f "%e %M" -o plan.time "$CRIER" plan --at "$AT" --format json -o plan.json)
  sends=$(python3 -c 'import json, sys; print(sum(1 for i in json.load(open(sys.argv[1]))["items"] if i["action"] == "send"))' "$REPO/plan.json")
  [ "$sends" -eq "$COUNT" ] || { echo "error: the plan has $sends sends, not $COUNT" >&2; exit 1; }
  watch_sink "$TMP/sink-crier-$connections.log" "$REPO/window"
  started=$EPOCHREALTIME
  (cd "$REPO" && /usr/bin/time -f "%e %M" -o run.time "$CRIER" run --at "$AT" > run.txt) || { cat "$REPO/run.txt"; exit 1; }
  finish_watch
  stop_sink
  ledger=$(sqlite3 "$REPO/state/ledger.sqlite" "SELECT state || ' ' || count(*) FROM items GROUP BY state")
  [ "$ledger" = "sent $COUNT" ] || { echo "error: the ledger says: $ledger" >&2; sed -n 1,30p "$REPO/run.txt" >&2; exit 1; }
  read -r plan_s plan_rss < "$REPO/plan.time"
  [ -f "$REPO/window" ] || { echo "error: the sink did not count $COUNT messages: $(tr '\r' '\n' < "$TMP/sink-crier-$connections.log" | tail -1)" >&2; exit 1; }
  read -r first last < "$REPO/window"
  before=$(python3 -c "print(f'{$first - $started:.2f}')")
  printf 'crier\t%s\t%s\t%s\t%s\n' "$connections" "$plan_s" "$plan_rss" "$before" >> "$TMP/phases.tsv"
  echo "  plan alone $plan_s s (peak $plan_rss KiB); run start to first message $before s; ledger: $ledger"
  record crier "$connections" "$TMP/sink-crier-$connections.log" "$REPO/run.time" "$REPO/window"
done

# --- smtp-source ------------------------------------------------------------------------------------
for sessions in 1 $PARALLEL; do
  echo "== smtp-source, $sessions session(s), each keeping its connection (-d)"
  start_sink "$TMP/sink-source-$sessions.log"
  watch_sink "$TMP/sink-source-$sessions.log" "$TMP/source-$sessions.window"
  /usr/bin/time -f "%e %M" -o "$TMP/source-$sessions.time" \
    /usr/sbin/smtp-source -d -m "$COUNT" -s "$sessions" -l "$SOURCE_LENGTH" -S "Bench" \
    -f "$FROM" -t client@example.com "127.0.0.1:$PORT"
  finish_watch
  stop_sink
  record smtp-source "$sessions" "$TMP/sink-source-$sessions.log" "$TMP/source-$sessions.time" "$TMP/source-$sessions.window"
done

# --- mailmerge ------------------------------------------------------------------------------------
# mailmerge sends one message at a time, each over a new SMTP connection; N processes on slices
# of the CSV (--resume / --limit) stand in for N connections.
cat > "$TMP/mailmerge/run.sh" <<'S'
set -euo pipefail
count=$1 processes=$2 mailmerge=$3
if [ "$processes" -eq 1 ]; then
  exec "$mailmerge" --no-dry-run --no-limit --output-format raw > /dev/null
fi
slice=$(( (count + processes - 1) / processes ))
pids=()
for i in $(seq 0 $(( processes - 1 ))); do
  start=$(( i * slice + 1 )); limit=$(( count - i * slice ))
  [ "$limit" -le "$slice" ] || limit=$slice
  [ "$limit" -gt 0 ] || break
  "$mailmerge" --no-dry-run --resume "$start" --limit "$limit" --output-format raw > /dev/null &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
S
for processes in 1 $PARALLEL; do
  echo "== mailmerge, $processes process(es), a new SMTP connection per message"
  start_sink "$TMP/sink-mailmerge-$processes.log"; mailmerge_conf
  watch_sink "$TMP/sink-mailmerge-$processes.log" "$TMP/mailmerge-$processes.window"
  (cd "$TMP/mailmerge" && /usr/bin/time -f "%e %M" -o "../mailmerge-$processes.time" bash run.sh "$COUNT" "$processes" "$MAILMERGE")
  finish_watch
  stop_sink
  record mailmerge "$processes" "$TMP/sink-mailmerge-$processes.log" "$TMP/mailmerge-$processes.time" "$TMP/mailmerge-$processes.window"
done

# --- the table --------------------------------------------------------------------------------------
echo
echo "== $COUNT emails to smtp-sink on 127.0.0.1, $(nproc) cores"
python3 - "$RESULTS" "$TMP/phases.tsv" "$PARALLEL" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
phases = {c: (float(p), int(m), float(b)) for _, c, p, m, b in (l.rstrip("\n").split("\t") for l in open(sys.argv[2]))}
head = ["tool", "connections", "messages", "seconds", "messages/s", "first to last message", "messages/s in it", "SMTP sessions", "peak RSS"]
print("| " + " | ".join(head) + " |")
print("|---|" + "---:|" * (len(head) - 1))
for tool, connections, messages, seconds, sessions, rss, window in rows:
    n, s, w = int(messages), float(seconds), float(window)
    rate = f"{(n - 1) / w:,.0f}" if w >= 0.1 else "—"   # the watcher polls every 20 ms
    print(f"| {tool} | {connections} | {n:,} | {s:.2f} | {n / s:,.0f} | {w:.2f} s | {rate} | {int(sessions):,} | {int(rss) / 1024:.0f} MiB |")
for connections, (plan, plan_rss, before) in phases.items():
    print(f"crier x{connections}: `crier plan` alone {plan:.2f} s (peak {plan_rss / 1024:.0f} MiB); "
          f"`crier run` start to its first message {before:.2f} s (plan, record, load the pending items)")
print(f"connections: crier's `email.smtp.connections`, smtp-source's -s, mailmerge's processes; "
      f"peak RSS of mailmerge x{sys.argv[3]} is its largest process")
PY
