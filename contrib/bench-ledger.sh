#!/usr/bin/env bash
# Benchmark: 10,000 SMS into the outbox with the SQLite ledger and with the PostgreSQL ledger,
# run by 1 host and by 4 hosts started together (4 `crier run` processes over one ledger; one
# takes the run lock, the others exit 75 at once). Prints wall time per case and checks that
# every item went out exactly once. A throwaway PostgreSQL comes from contrib/test-postgres.sh.
#   COUNT=10000 ./contrib/bench-ledger.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-10000}
AT=2026-11-23T17:00:00+13:00
OUT=$PWD/bench/out/ledger
CRIER=${CRIER:-}
if [ -z "$CRIER" ]; then
  swift build -c release --product crier >/dev/null
  CRIER=$PWD/.build/release/crier
fi
if [ -z "${CRIER_TEST_POSTGRES_URL:-}" ]; then
  exec ./contrib/test-postgres.sh run env CRIER="$CRIER" COUNT="$COUNT" "$0"
fi

rm -rf "$OUT"; mkdir -p "$OUT/schedules" "$OUT/templates" "$OUT/data"
cat > "$OUT/schedules/bench.yaml" <<'YAML'
cron: "0 17 * * *"
channel: sms
template: bench
trigger:
  upcoming: { interval: 1 day, at: starts_at }
query: |
  SELECT job AS key, starts_at, phone AS recipient, name FROM appointments
  WHERE starts_at >= :window_start AND starts_at < :window_end
YAML
echo 'Hi {{name}}, see you at {{at.time}} (job {{key}}).' > "$OUT/templates/bench.sms.mustache"
# COUNT appointments on 2026-11-24 between 08:00 and 20:00 in Auckland, one phone number each.
sqlite3 "$OUT/data/snapshot.sqlite" <<SQL
CREATE TABLE appointments (job TEXT, starts_at TEXT, phone TEXT, name TEXT);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $COUNT - 1)
INSERT INTO appointments SELECT printf('J%06d', i), strftime('%Y-%m-%dT%H:%M:%SZ', 1795460400 + (i % 720) * 60, 'unixepoch'),
  printf('021%07d', 1000000 + i), 'Client ' || i FROM n;
SQL

# bench LEDGER HOSTS: a fresh ledger, HOSTS processes at once, until every item is out.
bench() {
  local kind=$1 hosts=$2 ledger case=$1-$2
  case $kind in
    sqlite) ledger="state/$case.sqlite" ;;
    postgresql) ledger="$CRIER_TEST_POSTGRES_URL?schema=bench_${case//-/_}" ;;
  esac
  rm -rf "$OUT/outbox-$case"
  for h in $(seq 1 "$hosts"); do
    printf 'timezone: Pacific/Auckland\nsnapshot: data/snapshot.sqlite\nledger: "%s"\noutbox: outbox-%s\nsms:\n  default_region: NZ\n' \
      "$ledger" "$case" > "$OUT/$case-h$h.yaml"
  done
  local start end codes=()
  start=$(date +%s.%N)
  local pids=()
  for h in $(seq 1 "$hosts"); do
    (cd "$OUT" && "$CRIER" run --at "$AT" --config "$case-h$h.yaml" >"$case-h$h.out" 2>&1) &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    if wait "$pid"; then codes+=(0); else codes+=($?); fi
  done
  end=$(date +%s.%N)
  local files
  files=$(find "$OUT/outbox-$case/sms" -name '*.json' | wc -l)
  [ "$files" -eq "$COUNT" ] || { echo "error: $case: $files of $COUNT items in the outbox" >&2; exit 1; }
  awk -v c="$case" -v s="$start" -v e="$end" -v n="$COUNT" -v codes="${codes[*]}" \
    'BEGIN { printf "%-14s %6d deliveries  %7.2f s  %7.0f items/s  exit codes: %s\n", c, n, e - s, n / (e - s), codes }'
}

echo "crier: $CRIER"
for kind in sqlite postgresql; do
  for hosts in 1 4; do bench "$kind" "$hosts"; done
done
