#!/usr/bin/env bash
# Installs the Debian packages crier needs to build, test and benchmark, if they are missing.
# Safe to run again: it installs only what is not there yet.
set -euo pipefail
want=(libsqlite3-dev sqlite3 python3 libcurl4-openssl-dev openssl)
# The PostgreSQL ledger: libpq to build, a server for its tests (contrib/test-postgres.sh),
# ip for the network-partition test.
want+=(libpq-dev postgresql iproute2)
want+=(chromium poppler-utils)   # the HTML preview tests: a headless browser, pdftotext
want+=(libcairo2-dev libpango1.0-dev fonts-dejavu-core)   # PDF attachments (Cairo + Pango)
want+=(libzstd-dev zlib1g-dev)   # the ledger's compressed payloads (zstd; zlib in older ledgers)
missing=()
for package in "${want[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
# The SMTP test server (aiosmtpd) for the delivery tests.
if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  python3 -m pip install -q aiosmtpd || echo "warning: could not install aiosmtpd; the SMTP tests will be skipped"
fi
# promtool (Debian's prometheus package) checks the metrics textfile in the tests.
if ! command -v promtool >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends prometheus
fi
# jsonschema and PyYAML for contrib/check-yaml-schemas.py (the schema tests).
if ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then
  python3 -m pip install -q jsonschema pyyaml
fi
