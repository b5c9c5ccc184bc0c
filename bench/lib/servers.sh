# shellcheck shell=bash
# The one place benches start and stop servers (bench/run-storm,
# run-pipeline, run-backlog, run-throughput and the bench test): the
# simulator and a gateway with its database in a work folder, found by the
# URL they print, handled by pid only. Source it; it sets SIM_URL, SIM_PID,
# GW_URL, GW_PID. Callers trap EXIT with stop_servers so nothing is left
# behind, a stopped (SIGSTOP) simulator included.

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

# start_postgres BIN_DIR WORK_DIR: a PostgreSQL server for the bench, started
# the way the tests start theirs (tests/support/postgres_server.hpp:
# initdb in a temporary folder, a unix socket, an unprivileged user when
# run as root) but with fsync on, as a production server. From then on
# start_gateway gives each fresh gateway a fresh database (storage.url)
# instead of a SQLite file. stop_postgres ends it (stop_servers does not).
start_postgres() {
  local bin="$1" work="$2"
  PG_TOOL="$bin/usms-pg-test-server"
  PG_STATE="$work/postgres"
  PG_ADMIN_URL="$("$PG_TOOL" start --durable "$PG_STATE")"
  PG_DATABASES=0
}

stop_postgres() {
  if [[ -n "${PG_STATE:-}" ]]; then
    "$PG_TOOL" stop "$PG_STATE" >/dev/null || true
  fi
  PG_STATE="" PG_ADMIN_URL=""
}

# start_gateway BIN_DIR WORK_DIR [--keep-db]: a fresh database (or, with
# --keep-db, the one a previous gateway left: a restart), USMS = the
# simulator. The database is a SQLite file in WORK_DIR, or after
# start_postgres a database on that server; the log is
# WORK_DIR/gateway.log (a restart keeps the previous one as
# gateway.log.1, .2, ...). The bench's settings come from the environment
# (USMS_GW_*); callers may override any of them.
start_gateway() {
  local bin="$1" work="$2" keep="${3:-}" n=1 storage=() db_flag=()
  if [[ "$keep" = --keep-db ]]; then
    while [[ -e "$work/gateway.log.$n" ]]; do n=$((n + 1)); done
    [[ -e "$work/gateway.log" ]] && mv "$work/gateway.log" "$work/gateway.log.$n"
  elif [[ -n "${PG_ADMIN_URL:-}" ]]; then
    PG_DATABASES=$((PG_DATABASES + 1))
    psql -qX "$PG_ADMIN_URL" \
      -c "CREATE DATABASE bench_$PG_DATABASES TEMPLATE template0" >/dev/null
  else
    rm -f "$work"/gateway.db*
  fi
  if [[ -n "${PG_ADMIN_URL:-}" ]]; then
    storage=("USMS_GW_STORAGE_URL=$(sed "s|/postgres?|/bench_$PG_DATABASES?|" <<<"$PG_ADMIN_URL")")
  else
    db_flag=(--db "$work/gateway.db")
  fi
  env USMS_GW_USMS_MAX_IN_FLIGHT="${USMS_GW_USMS_MAX_IN_FLIGHT:-64}" \
      USMS_GW_LOG_LEVEL="${USMS_GW_LOG_LEVEL:-warn}" \
      USMS_GW_OFFLOAD_MAX_ENTRIES="${USMS_GW_OFFLOAD_MAX_ENTRIES:-100000000}" \
      "${storage[@]}" \
    "$bin/usms-gateway" --listen 127.0.0.1:0 "${db_flag[@]}" \
      --usms-url "$SIM_URL/usms" --offload-path "$work/offload" \
      >"$work/gateway.log" 2>&1 &
  GW_PID=$!
  GW_URL="$(wait_listening "$work/gateway.log" "$GW_PID")"
}

# kill_gateway: SIGKILL the gateway (a crash) and reap it.
kill_gateway() {
  kill -9 "$GW_PID" 2>/dev/null || true
  wait "$GW_PID" 2>/dev/null || true
  GW_PID=""
}

# freeze_sim / thaw_sim: stop the simulator's process (SIGSTOP: calls hang,
# connections are still accepted by the kernel) and let it run again.
freeze_sim() { kill -STOP "$SIM_PID"; }
thaw_sim() { kill -CONT "$SIM_PID"; }

# stop_servers: SIGTERM the servers this script started, by pid (a frozen
# simulator is continued first, or it would never see the SIGTERM).
stop_servers() {
  local p
  [[ -n "${SIM_PID:-}" ]] && { kill -CONT "$SIM_PID" 2>/dev/null || true; }
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

# sim_calls_total: the SOAP calls the simulator received, every operation.
# Reads only the head of /admin/stats ("calls" comes first; the creates per
# ExternalReference after it can be megabytes).
sim_calls_total() {
  { curl -s --max-time 10 "$SIM_URL/admin/stats" || true; } | head -c 4096 \
    | grep -o '"calls":{[^}]*}' | grep -o ':[0-9]*' \
    | awk -F: '{ n += $2 } END { print n + 0 }'
}

# gateway_metric NAME: the sum of a gateway metric's series from /metrics
# (empty when the gateway does not answer).
gateway_metric() {
  curl -sS --max-time 10 "$GW_URL/metrics" 2>/dev/null \
    | awk -v m="$1" '$1 == m || index($1, m "{") == 1 { n += $NF; seen = 1 }
                     END { if (seen) printf "%.0f\n", n }'
}

# gateway_rss_kb: the gateway's resident memory now.
gateway_rss_kb() {
  awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status"
}

# bench_bin ROOT: the build's bin folder (USMS_BUILD_DIR, default build),
# building the gateway, simulator, usms-storm and the PostgreSQL starter
# there if one is missing.
bench_bin() {
  local root="$1" build_dir="${USMS_BUILD_DIR:-build}"
  [[ "$build_dir" = /* ]] || build_dir="$root/$build_dir"
  if [[ ! -x "$build_dir/bin/usms-gateway" || ! -x "$build_dir/bin/usms-sim" \
        || ! -x "$build_dir/bin/usms-storm" \
        || ! -x "$build_dir/bin/usms-pg-test-server" ]]; then
    USMS_BUILD_DIR="$build_dir" "$root/scripts/build" \
      --target usms-gateway usms-sim usms-storm usms-pg-test-server >&2
  fi
  echo "$build_dir/bin"
}

# machine_line: CPU, cores, memory, load now.
machine_line() {
  local cpu
  cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "$cpu, $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
