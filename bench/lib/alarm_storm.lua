-- wrk script: an alarm storm. Event n (0 … ALARM_EVENTS-1, shared out over
-- wrk's threads: thread t sends t, t+T, t+2T, …) is for key
-- "ne-NNNNN/los" with NNNNN = n % ALARM_KEYS, in round r = n / ALARM_KEYS;
-- every fifth round clears the key, the others fire it, so each key goes
-- firing, repeats, cleared, firing again (reopened: the same ticket), …
-- Once its share is sent a thread asks only GET /healthz, one a second per
-- connection and not counted, until the driver interrupts wrk.
-- Settings from the environment (wrk's thread states see no globals of the
-- main one):
--   ALARM_EVENTS   events in all (default 100000)
--   ALARM_KEYS     distinct keys (default 5000)
--   ALARM_THREADS  wrk's -t (default 2)
-- done() prints one JSON line: acked (202), other (non-2xx events), wrk's
-- socket errors, duration_s and the latency percentiles in ms (of every
-- request wrk made, /healthz included).

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local events = tonumber(os.getenv("ALARM_EVENTS") or "100000")
local keys = tonumber(os.getenv("ALARM_KEYS") or "5000")
local nthreads = tonumber(os.getenv("ALARM_THREADS") or "2")
local headers = { ["Content-Type"] = "application/json" }
local n = nil
local verified = false
acked = 0
other = 0

function init(args)
  n = id
  -- wrk calls request() once on the first thread's state, after init and
  -- before any connection, to check the script; that request is never
  -- sent, so it must not use up an event.
  verified = id ~= 0
end

function request()
  if not verified then
    verified = true
    return wrk.format("GET", "/healthz")
  end
  if n >= events then
    return wrk.format("GET", "/healthz")
  end
  local item = n % keys
  local round = math.floor(n / keys)
  n = n + nthreads
  local body
  if round % 5 == 4 then
    body = string.format('{"key":"ne-%05d/los","state":"cleared","source":"storm"}', item)
  else
    body = string.format(
      '{"key":"ne-%05d/los","state":"firing","source":"storm",' ..
      '"fields":{"summary":"Loss of signal on ne-%05d","priority":2,' ..
      '"configuration_item":"ne-%05d","assignment_group":"NOC-L2"}}',
      item, item, item)
  end
  return wrk.format("POST", "/api/v1/alarms", headers, body)
end

function delay()
  if n >= events then
    return 1000
  end
  return 0
end

function response(status, hdrs, body)
  if status == 202 then
    acked = acked + 1
  elseif status ~= 200 then
    other = other + 1
  end
end

function done(summary, latency, requests)
  local total_acked, total_other = 0, 0
  for i, t in ipairs(threads) do
    total_acked = total_acked + (t:get("acked") or 0)
    total_other = total_other + (t:get("other") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"acked":%d,"other":%d,"connect_errors":%d,"read_errors":%d,' ..
    '"write_errors":%d,"timeouts":%d,"duration_s":%.3f,' ..
    '"latency_ms":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}}\n',
    total_acked, total_other, e.connect, e.read, e.write, e.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3))
end
