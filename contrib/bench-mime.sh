#!/usr/bin/env bash
# Micro-benchmark: MIME building per message (EmailMessage.serialize: headers, quoted-printable
# text and HTML, the multipart boundary), as W2 builds it, for one or more git revisions in the
# same run. The MIME sources of each revision (Sources/CrierCore/Rendering/MIME) are compiled
# alone with `swiftc -O` and a small harness; the message is the shipped appointment-details
# email (its templates unrendered, 1.1 KB of text and HTML, non-ASCII included). It counts the
# process's CPU time, not wall time, so the load of a shared machine counts as little as it can.
#   ./contrib/bench-mime.sh                 # the work tree
#   ./contrib/bench-mime.sh main HEAD       # revisions, alternated ROUNDS times
#   COUNT=20000 ROUNDS=3 ./contrib/bench-mime.sh main WORKTREE
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-20000}
ROUNDS=${ROUNDS:-3}
[ $# -gt 0 ] || set -- WORKTREE
TMP=$(mktemp -d "${TMPDIR:-/tmp}/crier-bench-mime.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cat > "$TMP/main.swift" <<'SWIFT'
import Foundation
let count = Int(CommandLine.arguments[1])!
let text = try! String(contentsOfFile: CommandLine.arguments[2], encoding: .utf8)
let html = try! String(contentsOfFile: CommandLine.arguments[3], encoding: .utf8)
let zone = TimeZone(identifier: "Pacific/Auckland")!
/// CPU seconds of this process (the machine is shared: wall time would measure the load).
func cpuSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
var bytes = 0
let start = cpuSeconds()
for index in 0..<count {
    let message = EmailMessage(
        from: try! Mailbox.parse("Acme Services <noreply@acme.example>"),
        to: [try! Mailbox.parse("client\(index)@example.com")],
        replyTo: try! Mailbox.parseList("office@acme.example"),
        subject: "Your visit on Thursday 26 November",
        date: Date(timeIntervalSince1970: 1_795_489_200 + Double(index)),
        timeZone: zone,
        messageID: "JOB-\(index)-\(index * 7)@acme.example",
        text: text,
        html: html)
    bytes += try! message.serialize(includeBcc: false).count
}
let seconds = cpuSeconds() - start
print(String(format: "%.1f µs of CPU a message (%d messages, %d bytes each)", seconds / Double(count) * 1e6, count, bytes / count))
SWIFT

for rev in "$@"; do
  mkdir -p "$TMP/$rev"
  if [ "$rev" = WORKTREE ]; then
    cp Sources/CrierCore/Rendering/MIME/*.swift "$TMP/$rev/"
  else
    for file in $(git ls-tree --name-only "$rev" Sources/CrierCore/Rendering/MIME/); do
      git show "$rev:$file" > "$TMP/$rev/$(basename "$file")"
    done
  fi
  swiftc -O -package-name crier -module-name MIMEBench "$TMP/$rev"/*.swift "$TMP/main.swift" -o "$TMP/$rev/bench"
done
for round in $(seq "$ROUNDS"); do
  for rev in "$@"; do
    printf '%-10s round %d: ' "$rev" "$round"
    "$TMP/$rev/bench" "$COUNT" templates/appointment-details.email.mustache templates/appointment-details.email.html.mustache
  done
done
