# Shared by bench/run-storm, bench/run-pipeline and the bench test: start the
# simulator and a gateway with a fresh database in a work folder, find their
# URLs, stop them on exit. Source it; it sets SIM_URL, SIM_PID, GW_URL, GW_PID.

# wait_listening LOGFILE PID → prints the URL the server printed
wait_listening() {
  local log="$1" pid="$2" url=""
  for _ in $(seq 200); do
    url="$(sed -n 's/^listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)"
    [[ -n "$url" ]] && { echo "$url"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $pid did not start; its log:" >&2
  cat "$log" >&2
  return 1
}

# start_sim BIN_DIR WORK_DIR [usms-sim flags...]
start_sim() {
  local bin="$1" work="$2"
  shift 2
  "$bin/usms-sim" --listen 127.0.0.1:0 "$@" >"$work/sim.log" 2>&1 &
  SIM_PID=$!
  SIM_URL="$(wait_listening "$work/sim.log" "$SIM_PID")"
}

# start_gateway BIN_DIR WORK_DIR: a fresh database, USMS = the simulator.
# The bench's settings come from the environment (USMS_GW_*); callers may
# override any of them.
start_gateway() {
  local bin="$1" work="$2"
  rm -f "$work"/gateway.db*
  env USMS_GW_USMS_MAX_IN_FLIGHT="${USMS_GW_USMS_MAX_IN_FLIGHT:-64}" \
      USMS_GW_LOG_LEVEL="${USMS_GW_LOG_LEVEL:-warn}" \
      USMS_GW_OFFLOAD_MAX_ENTRIES="${USMS_GW_OFFLOAD_MAX_ENTRIES:-100000000}" \
    "$bin/usms-gateway" --listen 127.0.0.1:0 --db "$work/gateway.db" \
      --usms-url "$SIM_URL/usms" --offload-path "$work/offload" \
      >"$work/gateway.log" 2>&1 &
  GW_PID=$!
  GW_URL="$(wait_listening "$work/gateway.log" "$GW_PID")"
}

# stop_servers: SIGTERM the servers this script started, by pid.
stop_servers() {
  local p
  for p in ${GW_PID:-} ${SIM_PID:-}; do
    kill "$p" 2>/dev/null || true
  done
  for p in ${GW_PID:-} ${SIM_PID:-}; do
    wait "$p" 2>/dev/null || true
  done
  GW_PID="" SIM_PID=""
}

# reset_sim: forget the simulator's tickets and counters.
reset_sim() {
  curl -fsS -X POST "$SIM_URL/admin/reset" >/dev/null
}

# machine_line: CPU, cores, memory, load now.
machine_line() {
  local cpu
  cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "$cpu, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
