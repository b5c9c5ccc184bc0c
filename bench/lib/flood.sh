# shellcheck shell=bash
# The wrk flood of unique incident creates shared by bench/run-backlog and
# bench/run-throughput, and the check that each acknowledged create became
# exactly one ticket. Source it after servers.sh.

# flood_creates URL CONNECTIONS SECONDS TARGET OUT_DIR PREFIX: wrk (THREADS
# env, default 2) posts unique creates (bench/lib/flood_creates.lua) to the
# gateway at URL with CONNECTIONS connections for SECONDS, or until TARGET
# requests are accepted by the gateway (0: no target). Leaves OUT_DIR/wrk.txt (wrk's
# output), OUT_DIR/flood.json (acked, acks_per_s, latency_ms, errors) and
# OUT_DIR/acked/acked-*.txt (the correlation ids acknowledged).
flood_creates() {
  local url="$1" conns="$2" secs="$3" target="$4" dir="$5" prefix="$6"
  local threads="${THREADS:-2}" lib base accepted
  lib="$(dirname "${BASH_SOURCE[0]}")"
  command -v wrk >/dev/null || { echo "flood: wrk is not installed (apt-get install wrk)" >&2; return 2; }
  mkdir -p "$dir/acked"
  rm -f "$dir"/acked/acked-*.txt
  base="$(gateway_metric usms_gateway_requests_accepted_total)"
  FLOOD_PREFIX="$prefix" FLOOD_ACK_DIR="$dir/acked" \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 30s \
        -s "$lib/flood_creates.lua" "$url" >"$dir/wrk.txt" 2>&1 &
  WRK_PID=$!
  # wrk has no request count: it is interrupted (and then reports the time
  # it really ran) once the gateway has accepted TARGET more requests.
  while [[ $target -gt 0 ]] && kill -0 "$WRK_PID" 2>/dev/null; do
    accepted="$(gateway_metric usms_gateway_requests_accepted_total)"
    if [[ -n "$accepted" ]] && (( accepted - base >= target )); then
      kill -INT "$WRK_PID" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  wait "$WRK_PID" || true
  WRK_PID=""
  grep '^{"acked"' "$dir/wrk.txt" >"$dir/flood.json" || {
    echo "flood: wrk printed no figures:" >&2
    cat "$dir/wrk.txt" >&2
    return 1
  }
}

# stop_flood: interrupt a flood still running (for an EXIT trap).
stop_flood() {
  [[ -n "${WRK_PID:-}" ]] && { kill -INT "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" 2>/dev/null || true; }
  WRK_PID=""
}

# check_created ACK_DIR PREFIX OUT.json: compares the simulator's creates
# per ExternalReference (those starting with PREFIX) with the correlation
# ids acknowledged in ACK_DIR/acked-*.txt; writes {acked, created, lost,
# duplicated}: lost = acknowledged but never created, duplicated = creates
# beyond one per ExternalReference.
check_created() {
  local acks="$1" prefix="$2" out="$3" refs
  refs="$(mktemp)"
  curl -fsS --max-time 300 "$SIM_URL/admin/stats" \
    | jq -r --arg p "$prefix-" '.creates_by_external_reference | to_entries[]
                               | select(.key | startswith($p)) | "\(.key) \(.value)"' >"$refs"
  cat "$acks"/acked-*.txt 2>/dev/null | awk -v refs="$refs" '
    BEGIN { while ((getline line < refs) > 0) { split(line, f, " "); made[f[1]] = f[2] + 0 } }
    NF { acked++; if (!(($1) in made)) lost++ }
    END {
      for (r in made) { created += made[r]; if (made[r] > 1) dup += made[r] - 1 }
      printf "{\"acked\": %d, \"created\": %d, \"lost\": %d, \"duplicated\": %d}\n",
             acked, created, lost, dup
    }' >"$out"
  rm -f "$refs"
}
