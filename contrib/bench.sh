#!/usr/bin/env bash
# The benchmark suite (`make bench`): workloads W1-W4 of docs/benchmarks.md, each beside the tool
# people would script instead, in the same run. Every round runs crier and its anchor back to back,
# alternating which goes first; the result per workload is the median over rounds of the pair
# ratio crier / anchor, so machine load that drifts between rounds cancels out.
#   W1  crier plan (appointment-sms, A appointments)     vs sqlite3 -readonly, same query and window
#       (W1: the snapshot's hash remembered in state/, as after a first run; W1cold: hashed anew)
#   W2  crier run, N emails to smtp-sink, 1 connection    vs Python smtplib, one persistent connection
#       (and, for what durability costs, beside the same script syncing a line per message first)
#       crier run, same, connections: 8                  vs postfix smtp-source, 8 sessions
#       (and beside the durable script run as 8 processes, each its own connection and log)
#   W3  crier run, M emails into the outbox               vs a script doing write/fsync/rename/fsync dir
#       (and the re-run of that finished slot)
#   W4  crier plan, change trigger over K keys (1% changed, 0.1% left)  vs sqlite3 reading the query
# SCALE=1 is the issue's size (A=1,000,000, N=10,000, M=100,000, K=1,000,000); SCALE=0.05 runs in
# minutes. ROUNDS (default 3) pairs per workload. ONLY="W1 W3" runs some of them. KEEP=1 keeps the
# temporary folder. CRIER_BIN=path skips the build and measures that binary.
# Installs what it needs (sqlite3, python3, postfix's smtp-sink and smtp-source).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCALE=${SCALE:-1}
ROUNDS=${ROUNDS:-3}
ONLY=${ONLY:-W1 W2 W3 W4}
scaled() { python3 -c "import sys; print(max(int(sys.argv[2]), round(float(sys.argv[1]) * int(sys.argv[3]))))" "$SCALE" "$1" "$2"; }
APPOINTMENTS=$(scaled 2000 1000000)
EMAILS=$(scaled 100 10000)
OUTBOX_EMAILS=$(scaled 100 100000)
KEYS=$(scaled 1000 1000000)
FROM=noreply@acme.example

# --- what the suite needs ---------------------------------------------------------------------
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { $sudo_cmd apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
command -v sqlite3 >/dev/null || apt_install sqlite3
command -v python3 >/dev/null || apt_install python3
if [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/sbin/smtp-source ]; then
  # Only the two test programs are used; "No configuration" leaves the postfix service unconfigured.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo_cmd debconf-set-selections
  apt_install postfix
fi
# A release build in its own scratch folder, so the debug build of the tests stays as it is.
# CRIER_BIN=path measures that binary instead (to compare two builds with the same script).
if [ -n "${CRIER_BIN:-}" ]; then
  CRIER=$(realpath "$CRIER_BIN")
else
  echo "== swift build -c release --product crier --scratch-path .build-bench"
  swift build -c release --product crier --scratch-path .build-bench >/dev/null
  CRIER=$ROOT/.build-bench/release/crier
fi
unset CRIER_DELIVERY_PACE_MS CRIER_RETRY_DELAY_MS CRIER_LOG_LEVEL

CACHE=$ROOT/bench/out                      # sample snapshots, kept between runs (gitignored)
mkdir -p "$CACHE"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crier-bench.XXXXXX")
chmod 755 "$TMP"                           # smtp-sink runs as nobody when we are root
SINK_PID=""
cleanup() {
  if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
  if [ -n "${KEEP:-}" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RESULTS=$TMP/results.jsonl
: > "$RESULTS"

# measure WORKLOAD TOOL DIR CMD...: runs CMD in DIR (stdout to DIR/out.txt) and appends one JSON
# line: wall seconds, CPU seconds (user + sys), peak RSS, bytes the process wrote to storage
# (getrusage's ru_oublock, from the kernel's per-task write_bytes accounting).
cat > "$TMP/measure.py" <<'PY'
import json, os, subprocess, sys, time
results, workload, tool, cwd, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
with open(os.path.join(cwd, "out.txt"), "wb") as out:
    start = time.monotonic()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=out)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
code = os.waitstatus_to_exitcode(status)
if code != 0:
    sys.stderr.write(open(os.path.join(cwd, "out.txt"), errors="replace").read()[-3000:])
    sys.exit(f"error: {workload} {tool}: {' '.join(cmd)} exited with {code}")
row = {"w": workload, "tool": tool, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
       "rss": usage.ru_maxrss, "written": usage.ru_oublock * 512}
open(results, "a").write(json.dumps(row) + "\n")
print(f"  {workload} {tool}: {wall:.2f} s wall, {row['cpu']:.2f} s CPU, {usage.ru_maxrss / 1024:.0f} MiB, "
      f"{row['written'] / 1048576:.1f} MiB written")
PY
measure() { python3 "$TMP/measure.py" "$RESULTS" "$@"; }
# pair ROUND WORKLOAD CRIER_FN ANCHOR_FN: the two, crier first in odd rounds, the anchor in even ones.
pair() {
  if [ $(( $1 % 2 )) -eq 1 ]; then "$3"; "$4"; else "$4"; "$3"; fi
}

# A sample snapshot (cached): sample_snapshot APPOINTMENTS FIRST_DAY DAYS -> prints its path.
sample_snapshot() {
  local snap="$CACHE/snapshot-$1-$2-$3.sqlite"
  [ -f "$snap" ] || "$CRIER" sample --appointments "$1" --first-day "$2" --days "$3" -o "$snap" >/dev/null
  echo "$snap"
}

# --- W1: plan appointment-sms ------------------------------------------------------------------
w1() {
  echo "== W1: crier plan appointment-sms over $APPOINTMENTS appointments vs sqlite3 -readonly"
  local snap repo query
  snap=$(sample_snapshot "$APPOINTMENTS" 2026-11-01 56)
  # A deployment's repository: `crier run` has made state/, where the snapshot's hash is remembered.
  repo=$TMP/w1; mkdir -p "$repo/state"
  cp -r schedules templates "$repo/"
  # The shipped example holds every pack's schedules too: only appointment-sms is planned.
  sed -e "s|^snapshot: .*|snapshot: $snap|" -e "s|^ledger: .*|ledger: state/ledger.sqlite|" crier.yaml > "$repo/crier.yaml"
  # The window the engine binds at 2026-11-23T17:00+13:00: tomorrow in Pacific/Auckland.
  query=$(python3 - "$repo/schedules/appointment-sms.yaml" 2026-11-23T11:00:00Z 2026-11-24T11:00:00Z <<'PY'
import sys
text = open(sys.argv[1]).read()
query = text.split("query: |", 1)[1]
query = "\n".join(line[2:] if line.startswith("  ") else line for line in query.splitlines())
print(query.replace(":window_start", f"'{sys.argv[2]}'").replace(":window_end", f"'{sys.argv[3]}'") + ";")
PY
)
  mkdir -p "$TMP/w1-sqlite3"
  # W1cold: the first plan over a new export (the snapshot hashed); W1: the next ones (hash remembered).
  w1_crier() {
    rm -f "$repo/state/snapshot.sha256"
    measure W1cold crier "$repo" "$CRIER" plan --at 2026-11-23T17:00:00+13:00 --schedule appointment-sms --format json -o plan.json
    measure W1 crier "$repo" "$CRIER" plan --at 2026-11-23T17:00:00+13:00 --schedule appointment-sms --format json -o plan.json
  }
  w1_anchor() { measure W1 sqlite3 "$TMP/w1-sqlite3" sqlite3 -readonly "$snap" "$query"; }
  for round in $(seq "$ROUNDS"); do pair "$round" W1 w1_crier w1_anchor; done
  python3 -c "import json, sys; p = json.load(open(sys.argv[1])); print(f'  plan: {len(p[\"items\"])} items; sqlite3: {sys.argv[2]} rows')" \
    "$repo/plan.json" "$(wc -l < "$TMP/w1-sqlite3/out.txt")"
}

# --- W2 and W3: the shipped appointment-email schedule, one email per appointment ------------------
# make_email_repo DIR LIMIT TRANSPORT_YAML: a config repository over a one-day sample snapshot.
AT_EMAIL=2026-11-23T16:00:00+13:00     # the slot; its window is Thursday 2026-11-26, local time
make_email_repo() {
  local dir=$1 limit=$2 transport=$3 snap
  snap=$(sample_snapshot $(( limit * 3 / 2 + 100 )) 2026-11-26 1)
  rm -rf "$dir"; mkdir -p "$dir/schedules" "$dir/templates"
  cp "$ROOT"/templates/appointment-details.email*.mustache "$dir/templates/"
  cat > "$dir/crier.yaml" <<Y
timezone: Pacific/Auckland
snapshot: $snap
ledger: state/ledger.sqlite
outbox: outbox/
catch_up: 6h
email:
  from: "Acme Services <$FROM>"
  reply_to: office@acme.example
$transport
Y
  cat > "$dir/schedules/appointment-email.yaml" <<Y
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
    AND a.cancelled = 0 AND cl.email IS NOT NULL
  ORDER BY a.starts_at, a.id
  LIMIT $limit
Y
}
# set_aside PATH...: moves the previous round's files out of the way without deleting them. On an
# ext4 file system without a journal (this machine's), creating a file skips every inode deleted in
# the last half minute or so, reading each from the inode table (`recently_deleted`): right after
# `rm -rf` of 100,000 files, each new file costs milliseconds of system time, for whichever tool
# runs next. The files set aside are deleted at the end, with the rest of the temporary folder (so
# a second `make bench` started within half a minute of the first pays for them in its W3).
set_aside() {
  local path
  mkdir -p "$TMP/trash"
  for path in "$@"; do [ ! -e "$path" ] || mv "$path" "$(mktemp -d "$TMP/trash/XXXXXX")/"; done
}

# crier_run WORKLOAD TOOL DIR COUNT: a fresh ledger and outbox, `crier run`, then the ledger must say COUNT sent.
crier_run() {
  set_aside "$3/state" "$3/outbox"
  measure "$1" "$2" "$3" "$CRIER" run --at "$AT_EMAIL"
  local ledger
  ledger=$(sqlite3 "$3/state/ledger.sqlite" "SELECT state || ' ' || count(*) FROM items GROUP BY state")
  [ "$ledger" = "sent $4" ] || { echo "error: $1 $2: the ledger says: $ledger" >&2; exit 1; }
}

w2() {
  echo "== W2: crier run, $EMAILS emails to smtp-sink on 127.0.0.1 vs smtplib (1 connection) and smtp-source (8)"
  local port user=() log=$TMP/sink.log
  [ "$(id -u)" -ne 0 ] || user=(-u nobody)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  /usr/sbin/smtp-sink "${user[@]}" -c -m 64 "127.0.0.1:$port" 64 > "$log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 50); do
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null && break
    sleep 0.1
  done
  for c in 1 8; do
    make_email_repo "$TMP/w2-$c" "$EMAILS" "  transport: smtp
  smtp: { url: \"smtp://127.0.0.1:$port\", tls: none, connections: $c }"
  done
  # The floor a script reaches: one smtplib connection, a prebuilt 1.6 KB message per recipient.
  cat > "$TMP/smtplib_floor.py" <<'PY'
import smtplib, sys
port, count, sender = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = ("This is a reminder of your upcoming visit from Acme Services.\r\n" * 22)[:1400]
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for i in range(count):
        to = f"client{i}@example.com"
        message = (f"From: Acme Services <{sender}>\r\nTo: {to}\r\nSubject: Your visit\r\n"
                   f"Message-ID: <{i}@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}")
        smtp.sendmail(sender, [to], message)
PY
  # The same script keeping what crier's ledger keeps at the least: a line per message, on disk
  # (fdatasync) before the message is handed over. Not the issue's anchor: it shows what that costs.
  cat > "$TMP/smtplib_durable.py" <<'PY'
import os, smtplib, sys
port, count, sender = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = ("This is a reminder of your upcoming visit from Acme Services.\r\n" * 22)[:1400]
log = os.open("sent.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for i in range(count):
        to = f"client{i}@example.com"
        message = (f"From: Acme Services <{sender}>\r\nTo: {to}\r\nSubject: Your visit\r\n"
                   f"Message-ID: <{i}@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}")
        os.write(log, f"{i} {to} handing over\n".encode())
        os.fdatasync(log)
        smtp.sendmail(sender, [to], message)
PY
  # The durable script over 8 connections: 8 processes, each its own connection and log, taking
  # every 8th recipient (crier's 8 connections share one ledger; the script's logs share the disk).
  cat > "$TMP/smtplib_durable8.py" <<'PY'
import os, smtplib, sys
from multiprocessing import Process
port, count, sender, connections = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
body = ("This is a reminder of your upcoming visit from Acme Services.\r\n" * 22)[:1400]
def connection(k):
    log = os.open(f"sent-{k}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(k, count, connections):
            to = f"client{i}@example.com"
            message = (f"From: Acme Services <{sender}>\r\nTo: {to}\r\nSubject: Your visit\r\n"
                       f"Message-ID: <{i}@acme.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}")
            os.write(log, f"{i} {to} handing over\n".encode())
            os.fdatasync(log)
            smtp.sendmail(sender, [to], message)
processes = [Process(target=connection, args=(k,)) for k in range(connections)]
for p in processes: p.start()
for p in processes: p.join()
sys.exit(max(p.exitcode for p in processes))
PY
  mkdir -p "$TMP/w2-smtplib" "$TMP/w2-source" "$TMP/w2-durable" "$TMP/w2-durable8"
  w2_crier1() { crier_run W2x1 crier "$TMP/w2-1" "$EMAILS"; }
  w2_smtplib() {
    measure W2x1 smtplib "$TMP/w2-smtplib" python3 "$TMP/smtplib_floor.py" "$port" "$EMAILS" "$FROM"
    measure W2x1 smtplib+sync "$TMP/w2-durable" python3 "$TMP/smtplib_durable.py" "$port" "$EMAILS" "$FROM"
  }
  w2_crier8() { crier_run W2x8 crier "$TMP/w2-8" "$EMAILS"; }
  w2_source() {
    measure W2x8 smtp-source "$TMP/w2-source" /usr/sbin/smtp-source -d -m "$EMAILS" -s 8 -l 1400 -S Bench \
      -f "$FROM" -t client@example.com "127.0.0.1:$port"
    measure W2x8 smtplib+sync "$TMP/w2-durable8" python3 "$TMP/smtplib_durable8.py" "$port" "$EMAILS" "$FROM" 8
  }
  for round in $(seq "$ROUNDS"); do pair "$round" W2x1 w2_crier1 w2_smtplib; done
  for round in $(seq "$ROUNDS"); do pair "$round" W2x8 w2_crier8 w2_source; done
  sleep 0.3
  kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true; SINK_PID=""
  local received expected=$(( ROUNDS * 6 * EMAILS ))
  received=$(tr '\r' '\n' < "$log" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' | tail -1)
  [ "${received:-0}" -eq "$expected" ] || { echo "error: W2: the sink received ${received:-0} messages, not $expected" >&2; exit 1; }
  echo "  the sink received $received messages, as expected"
}

w3() {
  echo "== W3: crier run, $OUTBOX_EMAILS emails into the outbox vs write/fsync/rename/fsync-dir of the same sizes"
  local repo=$TMP/w3 sizes=$TMP/w3-sizes
  make_email_repo "$repo" "$OUTBOX_EMAILS" "  transport: outbox"
  cat > "$TMP/floor.py" <<'PY'
import os, sys
sizes, folder = [int(line) for line in open(sys.argv[1])], sys.argv[2]
os.makedirs(folder, exist_ok=True)
data = b"x" * max(sizes)
for i, size in enumerate(sizes):
    path = f"{folder}/{i:08d}.eml"; temporary = f"{folder}/.{i:08d}.eml.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data[:size]); os.fsync(fd); os.close(fd)
    os.rename(temporary, path)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY); os.fsync(dir_fd); os.close(dir_fd)
PY
  mkdir -p "$TMP/w3-floor"
  w3_crier() {
    crier_run W3 crier "$repo" "$OUTBOX_EMAILS"
    find "$repo/outbox/email" -name '*.eml' -printf '%s\n' > "$sizes"
    measure W3rerun crier "$repo" "$CRIER" run --at "$AT_EMAIL"
  }
  w3_anchor() {
    set_aside "$TMP/w3-floor/outbox"
    [ -s "$sizes" ] || find "$repo/outbox/email" -name '*.eml' -printf '%s\n' > "$sizes" 2>/dev/null || true
    [ -s "$sizes" ] || yes 1606 | head -n "$OUTBOX_EMAILS" > "$sizes"
    measure W3 script "$TMP/w3-floor" python3 "$TMP/floor.py" "$sizes" outbox
  }
  # The first round's anchor needs the sizes of crier's files: crier goes first in odd rounds.
  for round in $(seq "$ROUNDS"); do pair "$round" W3 w3_crier w3_anchor; done
  python3 -c "import sys; s = [int(l) for l in open(sys.argv[1])]; print(f'  {len(s)} files, {sum(s) / len(s):.0f} bytes on average')" "$sizes"
}

w4() {
  echo "== W4: crier plan, change trigger over $KEYS keys (1% changed, 0.1% left) vs sqlite3 reading the query"
  local repo=$TMP/w4 query="SELECT number AS key, email AS recipient, status, title FROM tickets"
  mkdir -p "$repo/schedules" "$repo/templates" "$repo/data"
  python3 - "$repo/data/snapshot.sqlite" "$KEYS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
db.execute("PRAGMA journal_mode = OFF")
db.execute("CREATE TABLE tickets (number TEXT PRIMARY KEY, email TEXT, status TEXT, title TEXT)")
db.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?)",
               ((f"T{i:07d}", f"user{i % 50000}@example.com", "Open", f"Ticket {i}") for i in range(n)))
db.commit()
PY
  printf 'timezone: UTC\nemail: { from: "Desk <desk@example.com>" }\n' > "$repo/crier.yaml"
  printf 'cron: "*/5 * * * *"\nchannel: email\ntemplate: ticket\ntrigger:\n  change: { on: [enter, leave, change], watch: [status] }\nquery: %s\n' \
    "$query" > "$repo/schedules/tickets.yaml"
  printf -- '---\nsubject: "{{key}} {{event}}"\n---\n{{title}} is {{status}}{{#changes}} (was {{old}}){{/changes}}\n' > "$repo/templates/ticket.email.mustache"
  (cd "$repo" && "$CRIER" run --at 2026-11-23T00:00:00Z > baseline.txt)   # records the state of every key
  python3 - "$repo/data/snapshot.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE tickets SET status = 'Closed' WHERE rowid % 100 = 0")
db.execute("DELETE FROM tickets WHERE rowid % 1000 = 1")
db.commit()
PY
  sync
  mkdir -p "$TMP/w4-sqlite3"
  w4_crier() { measure W4 crier "$repo" "$CRIER" plan --at 2026-11-23T00:05:00Z --format json -o plan.json; }
  w4_anchor() { measure W4 sqlite3 "$TMP/w4-sqlite3" sqlite3 -readonly "$repo/data/snapshot.sqlite" "$query;"; }
  for round in $(seq "$ROUNDS"); do pair "$round" W4 w4_crier w4_anchor; done
  python3 -c "import json, sys; print('  plan:', len(json.load(open(sys.argv[1]))['items']), 'items')" "$repo/plan.json"
}

for workload in $ONLY; do
  case $workload in
    W1) w1 ;; W2) w2 ;; W3) w3 ;; W4) w4 ;;
    *) echo "error: ONLY names W1, W2, W3 or W4, not $workload" >&2; exit 64 ;;
  esac
done

# --- the table ----------------------------------------------------------------------------------
echo
echo "== crier vs its anchor: SCALE=$SCALE, $ROUNDS rounds, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" "$APPOINTMENTS" "$EMAILS" "$OUTBOX_EMAILS" "$KEYS" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
appointments, emails, outbox, keys = map(int, sys.argv[2:6])
def runs(w, tool): return [r for r in rows if r["w"] == w and r["tool"] == tool]
for r in runs("W1", "sqlite3"): rows.append(dict(r, w="W1cold"))   # the same anchor runs
med = statistics.median
print("| workload | crier (median) | anchor (median) | median pair ratio | target | met | CPU ratio |")
print("|---|---|---|---:|---|---|---:|")
def line(w, label, anchor, metric, show, target, limit):
    c, a = runs(w, "crier"), runs(w, anchor)
    if not c or not a: return
    ratio = med(x[metric] / max(y[metric], 1e-3) for x, y in zip(c, a))
    cpu_ratio = med(x["cpu"] / max(y["cpu"], 1e-3) for x, y in zip(c, a))
    met = "—" if limit is None else "yes" if ratio <= limit else "no"
    print(f"| {label} | {show(c)} | {anchor}: {show(a)} | {ratio:.2f}× | {target} | {met} | {cpu_ratio:.2f}× |")
cpu = lambda rs: f"{med(r['cpu'] for r in rs):.2f} s CPU, {med(r['rss'] for r in rs) / 1024:.0f} MiB"
def rate(n, unit): return lambda rs: f"{n / med(r['wall'] for r in rs):,.0f} {unit}/s ({med(r['wall'] for r in rs):.2f} s, {med(r['cpu'] for r in rs):.2f} s CPU)"
line("W1", f"W1 plan appointment-sms, {appointments:,} appointments", "sqlite3", "cpu", cpu, "≤ 3× CPU", 3)
line("W1cold", f"W1, the snapshot's hash not remembered (a new export)", "sqlite3", "cpu", cpu, "≤ 3× CPU", 3)
line("W2x1", f"W2 {emails:,} emails to smtp-sink, 1 connection", "smtplib", "wall", rate(emails, "msg"), "≤ 1× time (faster than smtplib)", 1)
line("W2x1", f"W2, 1 connection, beside the script syncing a line per message", "smtplib+sync", "wall", rate(emails, "msg"), "(not an issue target)", None)
line("W2x8", f"W2 {emails:,} emails, 8 connections", "smtp-source", "wall", rate(emails, "msg"), "≤ 2× time (≥ 50% of smtp-source)", 2)
line("W2x8", f"W2, 8 connections, beside the script syncing a line per message on each", "smtplib+sync", "wall", rate(emails, "msg"), "(not an issue target)", None)
line("W3", f"W3 {outbox:,} emails into the outbox", "script", "wall", rate(outbox, "items"), "≤ 1.25× time (≥ 80% of the floor)", 1.25)
line("W4", f"W4 change diff, {keys:,} keys", "sqlite3", "cpu", cpu, "≤ 3× CPU", 3)
c, a = runs("W3", "crier"), runs("W3", "script")
if c and a:
    per_c, per_a = med(r["written"] for r in c) / outbox, med(r["written"] for r in a) / outbox
    extra = per_c - per_a
    print(f"\nW3 bytes written per item (kernel write_bytes): crier {per_c / 1024:.1f} KiB, the script {per_a / 1024:.1f} KiB; "
          f"crier's extra beside the file {extra / 1024:.1f} KiB (target ≤ 8 KB: {'yes' if extra <= 8000 else 'no'})")
rerun = runs("W3rerun", "crier")
if rerun:
    t = med(r["wall"] for r in rerun)
    print(f"W3 re-run of the finished slot: {t:.3f} s wall (target ≤ 0.5 s: {'yes' if t <= 0.5 else 'no'})")
PY
