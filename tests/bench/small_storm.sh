#!/usr/bin/env bash
# bench.small_storm: a small outage storm through a real gateway and
# simulator; passes when nothing is lost and nothing is duplicated
# (usms-storm's exit code). Correctness only: no timing is asserted.
# The simulator resets some connections after creating the ticket and
# answers some calls with 503, so the gateway's retries and duplicate-safety
# lookups run too.
# Usage: small_storm.sh BIN_DIR [COUNT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../bench/lib/servers.sh"
bin="${1:?usage: small_storm.sh BIN_DIR [COUNT]}"
count="${2:-3000}"
work="$(mktemp -d)"
trap 'stop_servers; rm -rf "$work"' EXIT

start_sim "$bin" "$work" --seed 42
curl -fsS -X PUT "$SIM_URL/admin/faults" -H 'Content-Type: application/json' \
  -d '{"reset_after_create_rate": 0.01, "unavailable_rate": 0.01, "retry_after_s": 0}' >/dev/null
USMS_GW_SOAP_BACKOFF_BASE=10ms USMS_GW_SOAP_BACKOFF_MAX=100ms USMS_GW_SOAP_RETRIES=10 \
  start_gateway "$bin" "$work"

set +e
"$bin/usms-storm" run --gateway "$GW_URL" --sim "$SIM_URL" --gateway-pid "$GW_PID" \
  --shape outage --count "$count" --items 300 --seed 7 --concurrency 32 \
  --drain-timeout 120 --quiet --json "$work/report.json"
rc=$?
set -e
if [[ $rc -ne 0 ]]; then
  echo "usms-storm exit $rc; gateway log tail:" >&2
  tail -20 "$work/gateway.log" >&2
fi
exit "$rc"
