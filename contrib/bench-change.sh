#!/usr/bin/env bash
# Benchmark: the change trigger over KEYS keys (default 1,000,000) in one schedule's state.
# Run 1 records the baseline; then 1% of the rows change status and 0.1% leave; `crier plan`
# diffs the result against the state, next to sqlite3 reading the same query.
# WIDE=1 selects six more (unwatched) columns, as templates that use many columns do.
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000000}
QUERY="SELECT number AS key, email AS recipient, status, title FROM tickets"
if [ "${WIDE:-0}" = 1 ]; then
  QUERY="SELECT number AS key, email AS recipient, status, title, title AS a, email AS b, email AS c, number AS d, title AS e, email AS f FROM tickets"
fi
OUT=bench/out/change
rm -rf "$OUT"; mkdir -p "$OUT/schedules" "$OUT/templates" "$OUT/data"
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
swift build -c release --product crier >/dev/null
CRIER=$PWD/.build/release/crier
python3 - "$OUT/data/snapshot.sqlite" "$KEYS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
db.execute("PRAGMA journal_mode = OFF")
db.execute("CREATE TABLE tickets (number TEXT PRIMARY KEY, email TEXT, status TEXT, title TEXT)")
db.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?)",
               ((f"T{i:07d}", f"user{i % 50000}@example.com", "Open", f"Ticket {i}") for i in range(n)))
db.commit()
PY
cat > "$OUT/crier.yaml" <<'Y'
timezone: UTC
email: { from: "Desk <desk@example.com>" }
Y
cat > "$OUT/schedules/tickets.yaml" <<Y
cron: "*/5 * * * *"
channel: email
template: ticket
trigger:
  change: { on: [enter, leave, change], watch: [status] }
query: $QUERY
Y
printf -- '---\nsubject: "{{key}} {{event}}"\n---\n{{title}} is {{status}}{{#changes}} (was {{old}}){{/changes}}\n' > "$OUT/templates/ticket.email.mustache"
cd "$OUT"
echo "== sqlite3 reading the same query"
/usr/bin/time -f "sqlite3: %e s (user %U s), peak %M KiB" sqlite3 -readonly data/snapshot.sqlite "$QUERY;" > /dev/null
echo "== run 1: baseline of $KEYS keys (records the state)"
/usr/bin/time -f "crier run (baseline): %e s (user %U s), peak %M KiB" "$CRIER" run --at 2026-11-23T00:00:00Z > /dev/null
python3 - data/snapshot.sqlite "$KEYS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
db.execute("UPDATE tickets SET status = 'Closed' WHERE rowid % 100 = 0")
db.execute("DELETE FROM tickets WHERE rowid % 1000 = 1")
db.commit()
PY
sync  # the ledger's and the snapshot's writes, so that writing them back does not land in the timings
echo "== plan after 1% changed and 0.1% left (diff against the state)"
for i in 1 2 3; do
  /usr/bin/time -f "crier plan (diff): %e s (user %U s), peak %M KiB" "$CRIER" plan --at 2026-11-23T00:05:00Z --format json -o plan.json
done
python3 -c "import json; p=json.load(open('plan.json')); print('items', len(p['items']), 'state updates', len(p.get('state', [])))"
echo "== run 2: records and delivers to the outbox"
/usr/bin/time -f "crier run (diff + deliver): %e s (user %U s), peak %M KiB" "$CRIER" run --at 2026-11-23T00:05:00Z | tail -3
