#!/usr/bin/env bash
# Runs promtool (Debian's prometheus package, installed by scripts/setup)
# with the arguments given. Without promtool the test is skipped (exit 77)
# with a message saying so, except when CI is set: then it fails, so that
# the alert rules are never left unchecked in CI.
# Usage: promtool.sh check rules FILE | test rules FILE
set -euo pipefail
if ! command -v promtool >/dev/null; then
  if [[ -n ${CI:-} ]]; then
    echo "alerts: FAILED: promtool is missing (CI is set); scripts/setup" \
         "installs it with Debian's prometheus package" >&2
    exit 1
  fi
  echo "alerts: skipped: promtool is missing; scripts/setup installs it" \
       "with Debian's prometheus package"
  exit 77
fi
exec promtool "$@"
