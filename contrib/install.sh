#!/usr/bin/env bash
# Installs crier under PREFIX: the binary, the man page, bash/zsh/fish completions and the
# systemd units of contrib/systemd/ (whatever is there).
#   contrib/install.sh BIN PREFIX
# The man page comes from ArgumentParser's generate-manual tool (built by `make man` or
# `make install` through the package plugin); without it, from `crier help` of every command.
set -euo pipefail
bin=$1
prefix=$2
here=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$bin" ] || { echo "install: $bin is not an executable crier; build it first (make build)" >&2; exit 1; }

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 "$bin" "$prefix/bin/crier"
crier="$prefix/bin/crier"

"$crier" --generate-completion-script bash > "$prefix/share/bash-completion/completions/crier"
"$crier" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_crier"
"$crier" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/crier.fish"

"$here/contrib/man-page.sh" "$crier" "$prefix/share/man/man1"

units=$(find "$here/contrib/systemd" -maxdepth 1 -type f \( -name '*.service' -o -name '*.timer' -o -name '*.path' \) 2>/dev/null | sort || true)
if [ -n "$units" ]; then
  install -d "$prefix/lib/systemd/system"
  for unit in $units; do install -m 644 "$unit" "$prefix/lib/systemd/system/"; done
fi
echo "installed crier under $prefix"
