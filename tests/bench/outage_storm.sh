#!/usr/bin/env bash
# bench.outage_storm: a small steady storm through a real gateway with the
# simulator set down for a few seconds in the middle by usms-storm's outage
# driver. Passes when nothing is lost or duplicated (usms-storm's exit
# code), nothing failed (the gateway holds requests through the outage and
# delivers them afterwards), the outage really happened (USMS answered
# calls with UNAVAILABLE while it lasted) and the simulator is up again
# afterwards. Correctness only: no timing is asserted.
# Usage: outage_storm.sh BIN_DIR [COUNT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../bench/lib/servers.sh"
bin="${1:?usage: outage_storm.sh BIN_DIR [COUNT]}"
count="${2:-2000}"
work="$(mktemp -d)"
trap 'stop_servers; rm -rf "$work"' EXIT

start_sim "$bin" "$work" --seed 42
start_gateway "$bin" "$work"

set +e
"$bin/usms-storm" run --gateway "$GW_URL" --sim "$SIM_URL" --gateway-pid "$GW_PID" \
  --shape steady --rate 500 --count "$count" --items 300 --seed 7 --concurrency 32 \
  --usms-down-for 3 --drain-timeout 120 --quiet --json "$work/report.json" >"$work/table.txt"
rc=$?
set -e
cat "$work/table.txt"
if [[ $rc -ne 0 ]]; then
  echo "usms-storm exit $rc; gateway log tail:" >&2
  tail -20 "$work/gateway.log" >&2
  exit "$rc"
fi
fail() { echo "outage_storm: $*" >&2; exit 1; }
jq -e '.usms_outage.mode == "down"' "$work/report.json" >/dev/null || fail "no outage in the report"
jq -e '.usms_outage.sim_down_faults_during > 0' "$work/report.json" >/dev/null \
  || fail "USMS answered no call UNAVAILABLE during the outage"
jq -e ".accepted == $count" "$work/report.json" >/dev/null || fail "not every request was accepted"
jq -e '.lost == 0 and .duplicated == 0' "$work/report.json" >/dev/null \
  || fail "lost or duplicated: $(jq -c '{lost, duplicated}' "$work/report.json")"
jq -e '.failed == 0 and .succeeded == .accepted' "$work/report.json" >/dev/null \
  || fail "requests failed: $(jq -c '{succeeded, failed, failure_reasons}' "$work/report.json")"
[[ "$(curl -fsS "$SIM_URL/admin/faults" | jq .down)" = false ]] || fail "the simulator is still down"
