#!/usr/bin/env bash
# Writes crier.1 into DIR for the crier binary BIN:
#   contrib/man-page.sh BIN DIR
# With ArgumentParser's generate-manual tool (the GenerateManual package plugin builds it:
# `swift package plugin generate-manual`), its page; else a page made of `crier help` for each
# command, so an offline machine without the tool still gets one.
set -euo pipefail
bin=$1
dir=$2
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$dir"
tool=${GENERATE_MANUAL:-$(ls "$here"/.build/plugins/tools/*/generate-manual "$here"/.build/*/generate-manual 2>/dev/null | head -1 || true)}
if [ -n "$tool" ] && [ -x "$tool" ]; then
  "$tool" "$bin" --output-directory "$dir" --date "$(date -u +%F)"
  exit 0
fi
# The page the plugin itself wrote (for the release build `make install` installs).
page="$here/.build/plugins/GenerateManual/outputs/crier/crier.1"
if [ -f "$page" ] && [ "$page" -nt "$bin" ]; then
  cp "$page" "$dir/crier.1"
  exit 0
fi
{
  printf '.TH CRIER 1 "%s" "crier" "User Commands"\n' "$(date -u +%F)"
  printf '.SH NAME\ncrier \\- %s\n' "$("$bin" --help | sed -n '1,/^$/p' | tr '\n' ' ' | sed 's/^OVERVIEW: //; s/ *$//')"
  for command in "" $("$bin" --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
    printf '.SH %s\n.nf\n' "$(echo "crier $command" | tr a-z A-Z | sed 's/ *$//')"
    "$bin" help $command | sed 's/\\/\\e/g; s/^\./\\\&./'
    printf '.fi\n'
  done
} > "$dir/crier.1"
