#!/usr/bin/env bash
# install.layout: `cmake --install` into a temporary prefix, then the
# installed executables run from an unrelated folder and find what they
# need: the gateway serves its operator pages and its OpenAPI document,
# the contract files, the sample config and the systemd unit are in place,
# and a ticket goes through the installed simulator.
# Usage: install_layout.sh BUILD_DIR
set -euo pipefail
build="$1"
prefix="$(mktemp -d)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$prefix" "$work"
}
trap cleanup EXIT
fail() { echo "install.layout: FAILED: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/usms-gateway bin/usms-sim bin/usmsctl \
         share/usms-gateway/usms-gateway.sample.toml \
         share/usms-gateway/web/index.html \
         share/usms-gateway/contract/usms-v2.wsdl \
         share/usms-gateway/contract/usms-v2.toml \
         share/usms-gateway/contract/examples/acme-itsm.toml; do
  [[ -e "$prefix/$f" ]] || fail "$f not installed"
done
[[ -n "$(find "$prefix" -name 'usms-gateway.service')" ]] \
  || fail "systemd unit not installed"

# listening URL from a server's first lines
listening() {
  for _ in $(seq 100); do
    local url
    url="$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$1" | head -1)"
    [[ -n "$url" ]] && { echo "$url"; return 0; }
    sleep 0.1
  done
  cat "$1" >&2
  return 1
}
cd "$work" # nothing of the source or build tree around
"$prefix/bin/usms-sim" --listen 127.0.0.1:0 >sim.log 2>&1 &
pids+=($!)
sim="$(listening sim.log)" || fail "simulator did not start"
"$prefix/bin/usms-gateway" --listen 127.0.0.1:0 --db "$work/gw.db" \
  --usms-url "$sim/usms" --offload-path "$work/offload" >gw.log 2>&1 &
pids+=($!)
gw="$(listening gw.log)" || fail "gateway did not start"
grep -q "operator pages from $prefix/share/usms-gateway/web" gw.log \
  || { cat gw.log >&2; fail "gateway does not use the installed pages"; }
# Read whole answers first: `curl | grep -q` under pipefail fails when grep
# stops reading early and curl gets SIGPIPE.
page="$(curl -fsS "$gw/")" || fail "no answer at /"
grep -qi "<html" <<<"$page" || fail "no operator page at /"
openapi="$(curl -fsS "$gw/api/v1/openapi.json")" || fail "no OpenAPI answer"
grep -q '"openapi"' <<<"$openapi" || fail "no OpenAPI document"
out="$(USMS_GATEWAY_URL="$gw" "$prefix/bin/usmsctl" create incident \
        --summary "installed" --wait 10)" || fail "usmsctl create: $out"
grep -q '"ticket_id"' <<<"$out" || fail "no ticket: $out"
echo "install.layout: passed ($prefix)"
