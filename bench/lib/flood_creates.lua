-- wrk script: floods the gateway with unique incident creates. Each request
-- posts to /api/v1/tickets/incident with a correlation_id of its own,
-- PREFIX-THREAD-N, which becomes the ticket's ExternalReference; the
-- correlation ids the gateway acknowledged (200/202) are written to
-- ACK_DIR/acked-THREAD.txt, so a bench can check afterwards that each was
-- created exactly once.
-- Settings from the environment (wrk gives only init() its arguments):
--   FLOOD_PREFIX      correlation id prefix (default "flood")
--   FLOOD_ACK_DIR     folder for the acked-*.txt files (default: none kept)
-- To stop at a number of requests, interrupt wrk (SIGINT): it then reports
-- the time it really ran (bench/lib/flood.sh does so).
-- done() prints one JSON line: acked, other (non-2xx answers), wrk's
-- socket errors, duration_s, acks_per_s and the latency percentiles in ms.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local prefix = os.getenv("FLOOD_PREFIX") or "flood"
local ack_dir = os.getenv("FLOOD_ACK_DIR") or ""
local headers = { ["Content-Type"] = "application/json" }
local out = nil
buffered = {}
local n = 0
acked = 0
other = 0

function init(args)
  if ack_dir ~= "" then
    out = assert(io.open(ack_dir .. "/acked-" .. id .. ".txt", "w"))
  end
end

-- Acknowledged ids are written in batches; wrk has no per-thread end hook,
-- so done() collects each thread's last batch through thread:get.
local function flush()
  if out and #buffered > 0 then
    out:write(table.concat(buffered, "\n"), "\n")
    out:flush()
  end
  buffered = {}
end

function request()
  n = n + 1
  local item = n % 5000
  local body = string.format(
    '{"fields":{"summary":"Link down on ne-%05d","priority":2,' ..
    '"category":"Network","assignment_group":"NOC-L2",' ..
    '"configuration_item":"ne-%05d"},"source":"wrk",' ..
    '"correlation_id":"%s-%d-%d"}', item, item, prefix, id, n)
  return wrk.format("POST", "/api/v1/tickets/incident", headers, body)
end

function response(status, hdrs, body)
  if status ~= 202 and status ~= 200 then
    other = other + 1
    return
  end
  acked = acked + 1
  if out then
    local ref = body:match('"correlation_id":"([^"]*)"')
    if ref then
      buffered[#buffered + 1] = ref
      if #buffered >= 4096 then flush() end
    end
  end
end

function done(summary, latency, requests)
  local total_acked, total_other = 0, 0
  for i, t in ipairs(threads) do
    total_acked = total_acked + (t:get("acked") or 0)
    total_other = total_other + (t:get("other") or 0)
    local rest = t:get("buffered")
    if ack_dir ~= "" and rest and #rest > 0 then
      local f = assert(io.open(ack_dir .. "/acked-" .. t:get("id") .. ".txt", "a"))
      f:write(table.concat(rest, "\n"), "\n")
      f:close()
    end
  end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    '{"acked":%d,"other":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"duration_s":%.3f,"acks_per_s":%.1f,' ..
    '"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}}\n',
    total_acked, total_other, e.connect, e.read, e.write, e.timeout, secs,
    total_acked / secs, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3))
end
