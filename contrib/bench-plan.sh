#!/usr/bin/env bash
# Benchmark: plan the shipped appointment-sms schedule over a large sample snapshot, next to
# sqlite3 running the same query with the same bound window. Prints wall time and peak memory.
#   APPOINTMENTS=1000000 ./contrib/bench-plan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
APPOINTMENTS=${APPOINTMENTS:-1000000}
AT=${AT:-2026-11-23T17:00:00+13:00}
OUT=bench/out
mkdir -p "$OUT"
command -v sqlite3 >/dev/null || ./contrib/install-deps.sh
[ -x /usr/bin/time ] || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo; $sudo_cmd apt-get install -y -qq time >/dev/null; }

swift build -c release --product crier >/dev/null
CRIER=.build/release/crier
SNAP="$OUT/snapshot-$APPOINTMENTS.sqlite"
if [ ! -f "$SNAP" ]; then
  /usr/bin/time -f "sample: %e s, peak %M KiB" $CRIER sample --appointments "$APPOINTMENTS" --first-day 2026-11-01 --days 56 -o "$SNAP"
fi
ls -l "$SNAP" | awk '{printf "snapshot: %.0f MiB\n", $5/1048576}'

# A config repository that is the shipped example pointed at the big snapshot and a fresh ledger.
REPO="$OUT/repo"
rm -rf "$REPO"; mkdir -p "$REPO"
cp -r schedules templates "$REPO/"
rm -f "$REPO/schedules/appointment-email.yaml"
sed -e "s|^snapshot: .*|snapshot: $PWD/$SNAP|" -e "s|^ledger: .*|ledger: state/ledger.sqlite|" crier.yaml > "$REPO/crier.yaml"

# The window the engine binds at $AT: tomorrow (2026-11-24) in Pacific/Auckland.
WS=2026-11-23T11:00:00Z
WE=2026-11-24T11:00:00Z
QUERY=$(python3 - "$REPO/schedules/appointment-sms.yaml" "$WS" "$WE" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
query = text.split("query: |", 1)[1]
query = "\n".join(line[2:] if line.startswith("  ") else line for line in query.splitlines())
print(query.replace(":window_start", f"'{sys.argv[2]}'").replace(":window_end", f"'{sys.argv[3]}'") + ";")
PY
)

echo "== sqlite3, same query and window (3 runs)"
for i in 1 2 3; do
  /usr/bin/time -f "sqlite3: %e s, peak %M KiB" sqlite3 -readonly "$SNAP" "$QUERY" > "$OUT/sqlite3.txt"
done
echo "rows: $(wc -l < "$OUT/sqlite3.txt")"

echo "== crier plan --format json (3 runs)"
for i in 1 2 3; do
  (cd "$REPO" && /usr/bin/time -f "crier plan: %e s, peak %M KiB" "$OLDPWD/$CRIER" plan --at "$AT" --format json -o plan.json)
done
python3 - "$REPO/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
items = plan["items"]
sends = sum(1 for i in items if i["action"] == "send")
print(f"plan: {len(items)} items, {sends} to send, rows read {plan['schedules'][0].get('rows')}")
PY

echo "== snapshot hashing alone (sha256sum, for comparison)"
/usr/bin/time -f "sha256sum: %e s" sha256sum "$SNAP" >/dev/null
