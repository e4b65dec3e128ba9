#!/usr/bin/env bash
# `make demo-ha`: two "hosts" (two crier.yaml files, each with its own outbox) share one
# PostgreSQL ledger, the way two machines would run the same timer. They start together: one
# takes the run lock and delivers, the other exits 75. Run again, the slot has run on both.
# A throwaway PostgreSQL comes from contrib/test-postgres.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
AT=${AT:-2026-11-23T17:00:00+13:00}
CRIER=${CRIER:-$PWD/.build/debug/crier}
if [ -z "${CRIER_TEST_POSTGRES_URL:-}" ]; then
  exec ./contrib/test-postgres.sh run "$0"
fi
DEMO=$PWD/state/demo-ha
rm -rf "$DEMO"; mkdir -p "$DEMO/data"
cp -r schedules templates "$DEMO/"
"$CRIER" sample --appointments 2000 --first-day 2026-11-20 --days 14 -o "$DEMO/data/snapshot.sqlite" >/dev/null
for host in a b; do
  sed -e "s|^ledger: .*|ledger: \"$CRIER_TEST_POSTGRES_URL?schema=demo_ha\"|" -e "s|^outbox: .*|outbox: outbox-$host/|" \
    crier.yaml > "$DEMO/host-$host.yaml"
done
cd "$DEMO"
echo "== host a and host b run at $AT, at the same moment, over $CRIER_TEST_POSTGRES_URL?schema=demo_ha"
set +e
"$CRIER" run --at "$AT" --config host-a.yaml >a.out 2>a.err &
a=$!
"$CRIER" run --at "$AT" --config host-b.yaml >b.out 2>b.err &
b=$!
wait $a; code_a=$?
wait $b; code_b=$?
set -e
for host in a b; do
  code=$([ $host = a ] && echo $code_a || echo $code_b)
  echo "-- host $host exited $code"
  cat $host.out $host.err | sed 's/^/   /'
done
echo "== host b again at the same instant (a cron tick later): the slot ran, nothing is sent twice"
"$CRIER" run --at "$AT" --config host-b.yaml | sed 's/^/   /'
echo "== outboxes: host a $(ls outbox-a/sms 2>/dev/null | wc -l) SMS, host b $(ls outbox-b/sms 2>/dev/null | wc -l) SMS"
echo "== crier history --counts from host b (the shared ledger):"
"$CRIER" history --counts --config host-b.yaml | sed -n "1,8s/^/   /p"
