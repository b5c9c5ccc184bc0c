#!/usr/bin/env bash
# Builds the operator pages: installs the pinned npm packages (npm ci from
# package-lock.json; only when node_modules is missing or older than the
# lock) and bundles src/ with esbuild into OUT_DIR (default web/dist):
# index.html + assets/app-HASH.js, assets/app-HASH.css and their .gz forms.
# Usage: web/build.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/dist}"
cd "$here"

# Several build trees may share this folder: one npm install at a time.
exec 9>"$here/.npm-install.lock"
flock 9
stamp=node_modules/.package-lock.json
if [[ -f package-lock.json ]]; then
  if [[ ! -f $stamp || package-lock.json -nt $stamp || package.json -nt $stamp ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
elif [[ ! -d node_modules ]]; then
  npm install --no-audit --no-fund --loglevel=error
fi
flock -u 9

node build.mjs "$out"
