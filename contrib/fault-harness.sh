#!/usr/bin/env bash
# Fault harness: SIGKILLs `crier run` at random moments, over SMTP (the aiosmtpd fixture on
# 127.0.0.1) and the outbox, then lets later runs finish, and checks after every trial:
#   - no Message-ID twice at the sink (no duplicate delivery),
#   - every item is delivered, or listed by `crier failures` (nothing lost in silence),
#   - no item recorded `sent` that the sink does not have,
#   - `PRAGMA integrity_check` of the ledger is ok,
#   - no `.ID.eml.PID.tmp` file left in the outbox.
# It prints the figures (trials, kills, uncertain items and how many of them reached the server)
# and exits 1 when any check failed. Runs in about 2-3 minutes for the default 60 trials.
#
# Usage: contrib/fault-harness.sh [TRIALS]   (CRIER_BIN=path/to/crier, default .build/debug/crier)
set -euo pipefail
trials=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
crier=${CRIER_BIN:-$root/.build/debug/crier}
[ -x "$crier" ] || { echo "error: no crier binary at $crier: run swift build first, or set CRIER_BIN" >&2; exit 64; }
fixture=$(find "$root/Tests" -name smtp_server.py | head -1)
[ -n "$fixture" ] || { echo "error: Tests/**/smtp_server.py not found" >&2; exit 64; }
python3 -c 'import aiosmtpd' 2>/dev/null || { echo "error: python3 aiosmtpd is missing: run contrib/install-deps.sh" >&2; exit 64; }

work=$(mktemp -d /tmp/crier-faults.XXXXXX)
sink_pid=""
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 -W ignore "$fixture" --dir "$work/sink" --port-file "$work/port" >/dev/null 2>&1 &
sink_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")

# One snapshot for all trials: 20 appointments on each of 70 days, so each trial (its own day)
# has its own 20 items and ids.
mkdir -p "$work/repo/schedules" "$work/repo/templates" "$work/repo/data"
python3 - "$work/repo/data/snapshot.sqlite" <<'PY'
import sqlite3, sys, datetime
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE appointments (job TEXT, starts_at TEXT, email TEXT, name TEXT)")
start = datetime.datetime(2026, 3, 2, 20, 0, tzinfo=datetime.timezone.utc)
rows = []
for day in range(70):
    for n in range(20):
        at = start + datetime.timedelta(days=day, minutes=n)
        rows.append((f"J{day:02d}{n:02d}", at.strftime("%Y-%m-%dT%H:%M:%SZ"), f"client{n}@example.net", f"Client {n}"))
db.executemany("INSERT INTO appointments VALUES (?, ?, ?, ?)", rows)
db.commit()
PY
cat > "$work/repo/schedules/visit.yaml" <<'EOF'
cron: "0 17 * * *"
channel: email
template: visit
trigger:
  upcoming: { interval: 1 day, at: starts_at }
query: |
  SELECT job AS key, starts_at, email AS recipient, name FROM appointments
  WHERE starts_at >= :window_start AND starts_at < :window_end
EOF
printf -- '---\nsubject: "Your visit {{at.weekday}}"\n---\nKia ora {{name}}, see you at {{at.time}}.\n' > "$work/repo/templates/visit.email.mustache"
config() {  # $1 = smtp | outbox
  cat <<EOF
timezone: UTC
snapshot: data/snapshot.sqlite
ledger: state/ledger.sqlite
catch_up: 6h
email:
  from: "Acme <noreply@acme.example>"
  transport: $1
  smtp: { url: "smtp://127.0.0.1:$port", tls: none }
outbox: outbox
EOF
}

kills=0; uncertain=0; uncertain_sent=0; duplicates=0; lost=0; phantom=0; integrity=0; leftovers=0; failed_checks=0
started=$(date +%s)
for trial in $(seq 0 $((trials - 1))); do
  mode=$([ $((trial % 2)) -eq 0 ] && echo smtp || echo outbox)
  repo="$work/repo"
  rm -rf "$repo/state" "$repo/outbox"
  config "$mode" > "$repo/crier.yaml"
  day=$(date -u -d "2026-03-01 + $trial days" +%F)
  at="${day}T17:00:00Z"
  # Kill somewhere between start-up and the end of delivery (20 items, 15 ms apart; the outbox's
  # four workers each pause 60 ms after an item).
  delay=$(python3 -c "import random; print(round(random.uniform(0.0, 0.6), 3))")
  pace=$([ "$mode" = smtp ] && echo 15 || echo 60)
  (cd "$repo" && CRIER_DELIVERY_PACE_MS=$pace exec "$crier" run --at "$at" >/dev/null 2>&1) &
  pid=$!
  sleep "$delay"
  if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null || true
  for _ in 1 2 3; do
    code=0
    (cd "$repo" && "$crier" run --at "$at" >/dev/null 2>&1) || code=$?
    [ "$code" -ne 75 ] && break
  done
  failures=$(cd "$repo" && "$crier" failures --since 24h --at "${day}T23:00:00Z" 2>/dev/null || true)
  read -r t_uncertain t_uncertain_sent t_dup t_lost t_phantom t_integrity t_left < <(
    python3 - "$repo" "$work/sink" "$mode" "$failures" <<'PY'
import glob, os, re, sqlite3, sys
repo, sink, mode, failures = sys.argv[1:5]
db = sqlite3.connect(f"file:{repo}/state/ledger.sqlite?mode=ro", uri=True)
integrity = 0 if db.execute("PRAGMA integrity_check").fetchone()[0] == "ok" else 1
rows = db.execute("SELECT id, state, key FROM items WHERE state != 'skipped'").fetchall()
items = {i: s for i, s, _ in rows}
keys = {i: k for i, _, k in rows}
delivered = {}
if mode == "smtp":
    for path in glob.glob(f"{sink}/*.eml"):
        for match in re.findall(rb"Message-ID: <([0-9a-f]+)@", open(path, "rb").read()):
            delivered[match.decode()] = delivered.get(match.decode(), 0) + 1
    left = 0
else:
    for path in glob.glob(f"{repo}/outbox/email/*.eml"):
        delivered[os.path.basename(path)[:-4]] = 1
    left = len(glob.glob(f"{repo}/outbox/email/.*.tmp"))
ids = set(items)
dup = sum(1 for i, n in delivered.items() if i in ids and n > 1)
lost = sum(1 for i in ids if i not in delivered and f" {keys[i]} " not in failures)
phantom = sum(1 for i, s in items.items() if s == "sent" and i not in delivered)
unc = [i for i, s in items.items() if s == "uncertain"]
print(len(unc), sum(1 for i in unc if i in delivered), dup, lost, phantom, integrity, left)
PY
  )
  uncertain=$((uncertain + t_uncertain)); uncertain_sent=$((uncertain_sent + t_uncertain_sent))
  duplicates=$((duplicates + t_dup)); lost=$((lost + t_lost)); phantom=$((phantom + t_phantom))
  integrity=$((integrity + t_integrity)); leftovers=$((leftovers + t_left))
  if [ $((t_dup + t_lost + t_phantom + t_integrity + t_left)) -gt 0 ]; then
    failed_checks=$((failed_checks + 1))
    echo "trial $trial ($mode, killed after ${delay}s): duplicates $t_dup, lost $t_lost, sent-but-absent $t_phantom, integrity $t_integrity, temp files $t_left" >&2
  fi
done
elapsed=$(( $(date +%s) - started ))
echo "fault harness: $trials trials ($((trials - trials / 2)) smtp, $((trials / 2)) outbox), $kills SIGKILLs landed, ${elapsed}s"
echo "  uncertain items: $uncertain ($uncertain_sent of them reached the server)"
echo "  duplicate Message-IDs: $duplicates; neither delivered nor in crier failures: $lost; sent but absent: $phantom"
echo "  integrity_check failures: $integrity; outbox temporary files left: $leftovers"
[ "$failed_checks" -eq 0 ]
