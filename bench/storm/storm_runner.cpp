#include "bench/storm/storm_runner.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "transport/http_client.hpp"

namespace usms::bench {

namespace {

using steady = std::chrono::steady_clock;
using sys = std::chrono::system_clock;

int64_t now_sys_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           sys::now().time_since_epoch())
    .count();
}

std::string iso_utc(int64_t us) {
  std::time_t s = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(us / 1000 % 1000));
  return buf;
}

/// `2026-11-27T07:49:26.373Z` → microseconds since the epoch; -1 if bad.
int64_t parse_iso_us(const char* s) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms)
      < 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + ms * 1000;
}

http::outcome blocking_call(http::client& c, const std::string& method,
                            const std::string& url, std::string body = {},
                            std::chrono::milliseconds timeout
                            = std::chrono::seconds(30)) {
  std::promise<http::outcome> p;
  auto f = p.get_future();
  http::outgoing req;
  req.method = method;
  req.url = url;
  req.timeout = timeout;
  if (!body.empty())
    req.headers.push_back({"Content-Type", "application/json"});
  req.body = std::move(body);
  c.send(std::move(req), [&p](http::outcome o) { p.set_value(std::move(o)); });
  return f.get();
}

bool ok_200(const http::outcome& o) {
  return o.failure == http::failure_kind::none && o.status == 200;
}

struct gateway_counters {
  bool ok = false;
  int64_t accepted = 0, finished = 0, queue = 0, retries = 0, lookups = 0;
};

/// Sums the counters the storm needs out of the Prometheus text.
gateway_counters parse_metrics(const std::string& text) {
  gateway_counters c;
  std::istringstream in{text};
  std::string line;
  auto value = [](const std::string& l) {
    auto sp = l.rfind(' ');
    return sp == std::string::npos ? 0
                                   : static_cast<int64_t>(
                                     std::strtod(l.c_str() + sp + 1, nullptr));
  };
  auto starts = [&](const char* p) { return line.rfind(p, 0) == 0; };
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    if (starts("usms_gateway_requests_accepted_total"))
      c.accepted += value(line);
    else if (starts("usms_gateway_requests_total"))
      c.finished += value(line);
    else if (starts("usms_gateway_queue_depth"))
      c.queue += value(line);
    else if (starts("usms_gateway_retries_total"))
      c.retries += value(line);
    else if (starts("usms_gateway_lookups_total"))
      c.lookups += value(line);
  }
  c.ok = true;
  return c;
}

struct proc_figures {
  int64_t rss_kb = 0, hwm_kb = 0;
  double cpu_s = 0;
  bool ok = false;
};

proc_figures read_proc(int pid) {
  proc_figures f;
  if (pid <= 0)
    return f;
  std::ifstream st{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(st, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      f.rss_kb = std::atoll(line.c_str() + 6);
    else if (line.rfind("VmHWM:", 0) == 0)
      f.hwm_kb = std::atoll(line.c_str() + 6);
  }
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string all((std::istreambuf_iterator<char>(stat)),
                  std::istreambuf_iterator<char>());
  auto close = all.rfind(')');
  if (close == std::string::npos)
    return f;
  // Fields after the command: state(3) ... utime(14) stime(15).
  std::istringstream rest{all.substr(close + 2)};
  std::string tok;
  double ut = 0, stime = 0;
  for (int field = 3; field <= 15 && rest >> tok; ++field) {
    if (field == 14)
      ut = std::atof(tok.c_str());
    if (field == 15)
      stime = std::atof(tok.c_str());
  }
  f.cpu_s = (ut + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  f.ok = true;
  return f;
}

/// The pid of the only process whose executable is named usms-gateway.
int find_gateway_pid() {
  int found = 0;
  DIR* d = opendir("/proc");
  if (!d)
    return 0;
  while (auto* e = readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0)
      continue;
    std::ifstream in{std::string{"/proc/"} + e->d_name + "/cmdline"};
    std::string argv0;
    std::getline(in, argv0, '\0');
    auto slash = argv0.rfind('/');
    auto name = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
    if (name == "usms-gateway") {
      if (found != 0) {
        found = -1; // more than one: ambiguous
        break;
      }
      found = pid;
    }
  }
  closedir(d);
  return found > 0 ? found : 0;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

void json_string(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* k,
                 const std::string& v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

/// The HTTP call a storm request becomes.
http::outgoing to_outgoing(const run_options& opt, const storm_request& r) {
  http::outgoing o;
  std::string base = opt.gateway + "/api/v1/tickets/" + r.type;
  if (r.action == "query") {
    o.method = "GET";
    rapidjson::Document d;
    d.Parse(r.fields.c_str());
    std::string q;
    for (auto& m : d.GetObject()) {
      std::string v = m.value.IsString()
                        ? std::string{m.value.GetString()}
                        : std::to_string(m.value.IsNumber()
                                           ? m.value.GetInt64()
                                           : 0);
      q += (q.empty() ? "?" : "&") + url_encode(m.name.GetString()) + "="
           + url_encode(v);
    }
    o.url = base + q;
    return o;
  }
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w{sb};
  w.StartObject();
  w.Key("fields");
  w.RawValue(r.fields.data(), r.fields.size(), rapidjson::kObjectType);
  if (r.action == "create") {
    o.method = "POST";
    o.url = base;
    if (!r.source.empty())
      json_string(w, "source", r.source);
    if (!r.correlation_id.empty())
      json_string(w, "correlation_id", r.correlation_id);
  } else {
    o.method = "PATCH";
    o.url = base + "/" + url_encode(r.ticket_id);
  }
  w.EndObject();
  o.body.assign(sb.GetString(), sb.GetSize());
  o.headers.push_back({"Content-Type", "application/json"});
  if (opt.idempotency_keys && !r.correlation_id.empty())
    o.headers.push_back({"Idempotency-Key", r.correlation_id});
  return o;
}

/// `creates_by_external_reference` of the simulator; empty on failure.
bool sim_creates(http::client& c, const std::string& sim,
                 std::unordered_map<std::string, int64_t>& out) {
  auto o = blocking_call(c, "GET", sim + "/admin/stats", {},
                         std::chrono::seconds(60));
  if (!ok_200(o))
    return false;
  rapidjson::Document d;
  d.Parse(o.body.c_str());
  if (d.HasParseError() || !d.IsObject())
    return false;
  auto m = d.FindMember("creates_by_external_reference");
  if (m == d.MemberEnd() || !m->value.IsObject())
    return false;
  out.clear();
  out.reserve(m->value.MemberCount());
  for (auto& e : m->value.GetObject())
    out[e.name.GetString()] = e.value.GetInt64();
  return true;
}

// Per-request bookkeeping, one slot per storm request.
enum class slot_state : uint8_t { pending, acked, error };
struct slot {
  int64_t first_sent_sys_us = 0;
  steady::time_point last_sent{};
  double ack_ms = -1;
  slot_state state = slot_state::pending;
  std::string request_id;
};

struct status_row {
  bool succeeded = false;
  int64_t finished_us = 0;
  std::string reason;
};

} // namespace

percentiles percentiles_of(const std::vector<double>& v) {
  percentiles p;
  p.count = v.size();
  if (v.empty())
    return p;
  auto at = [&](double q) {
    auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
  };
  p.p50 = at(0.50);
  p.p90 = at(0.90);
  p.p99 = at(0.99);
  p.max = v.back();
  return p;
}

usms::result<run_result> run_storm(const run_options& opt,
                                   const std::vector<storm_request>& storm) {
  run_result res;
  res.requests = static_cast<int64_t>(storm.size());
  const size_t n = storm.size();

  http::client_options side_opts;
  side_opts.max_connections_per_host = 2;
  side_opts.request_timeout = std::chrono::seconds(60);
  http::client side{side_opts};

  auto m0 = blocking_call(side, "GET", opt.gateway + "/metrics", {},
                          std::chrono::seconds(10));
  if (!ok_200(m0))
    return failure{"the gateway at " + opt.gateway
                     + " does not answer /metrics: "
                     + (m0.error.empty() ? std::to_string(m0.status)
                                         : m0.error),
                   "unreachable"};
  const auto base = parse_metrics(m0.body);

  std::unordered_map<std::string, int64_t> sim_before;
  if (!opt.sim.empty() && !opt.intake_only
      && !sim_creates(side, opt.sim, sim_before))
    return failure{"the simulator at " + opt.sim
                     + " does not answer GET /admin/stats",
                   "unreachable"};

  res.gateway_pid = opt.gateway_pid > 0 ? opt.gateway_pid : find_gateway_pid();
  auto proc0 = read_proc(res.gateway_pid);
  res.rss_before_kb = proc0.rss_kb;

  // Bodies are built before the clock starts: the client spends its time
  // on the wire, not on JSON.
  std::vector<http::outgoing> calls;
  calls.reserve(n);
  for (auto& r : storm)
    calls.push_back(to_outgoing(opt, r));

  http::client_options co;
  co.max_connections_per_host = static_cast<size_t>(opt.concurrency);
  co.request_timeout = std::chrono::seconds(60);
  http::client client{co};

  std::vector<slot> slots(n);
  std::mutex mtx;
  std::condition_variable cv;
  int in_flight = 0;
  size_t settled = 0; // acked or given up
  std::multimap<steady::time_point, size_t> retry_at;
  std::atomic<int64_t> sent_count{0}, acked_count{0};
  int64_t last_ack_sys_us = 0;

  const auto start = steady::now();
  const int64_t start_sys_us = now_sys_us();
  res.started_at = iso_utc(start_sys_us);

  // Sampler: /metrics and /proc every interval, a progress line on stderr.
  std::atomic<bool> sampling{true};
  std::mutex sample_mtx;
  gateway_counters latest = base;
  std::thread sampler{[&] {
    auto next = steady::now();
    while (sampling.load()) {
      next += std::chrono::microseconds(
        static_cast<int64_t>(opt.sample_interval_s * 1e6));
      auto m = blocking_call(side, "GET", opt.gateway + "/metrics", {},
                             std::chrono::seconds(5));
      auto pf = read_proc(res.gateway_pid);
      sample s;
      s.t = std::chrono::duration<double>(steady::now() - start).count();
      s.sent = sent_count.load();
      s.acked = acked_count.load();
      gateway_counters c;
      if (ok_200(m))
        c = parse_metrics(m.body);
      {
        std::lock_guard<std::mutex> g{sample_mtx};
        if (c.ok)
          latest = c;
        s.finished = latest.finished - base.finished;
        s.queue_depth = latest.queue;
        s.rss_kb = pf.rss_kb;
        s.cpu_s = pf.ok ? pf.cpu_s - proc0.cpu_s : 0;
        res.samples.push_back(s);
      }
      // On a terminal the line rewrites itself; in a log, one line per 2 s.
      static const bool tty = isatty(2) != 0;
      if (opt.progress && (tty || res.samples.size() % 8 == 1)) {
        std::fprintf(stderr,
                     "%s%6.1fs  sent %lld/%zu  acked %lld  finished %lld  "
                     "queue %lld  rss %.0f MiB  cpu %.1fs%s",
                     tty ? "\r" : "",
                     s.t, static_cast<long long>(s.sent), n,
                     static_cast<long long>(s.acked),
                     static_cast<long long>(s.finished),
                     static_cast<long long>(s.queue_depth), s.rss_kb / 1024.0,
                     s.cpu_s, tty ? "   " : "\n");
        std::fflush(stderr);
      }
      std::this_thread::sleep_until(next);
    }
  }};

  auto send = [&](size_t idx) {
    auto req = calls[idx]; // copy: a retry sends the same call again
    auto& sl = slots[idx];
    sl.last_sent = steady::now();
    if (sl.first_sent_sys_us == 0) {
      sl.first_sent_sys_us = now_sys_us();
      ++sent_count;
    }
    client.send(std::move(req), [&, idx](http::outcome out) {
      auto now = steady::now();
      auto& s = slots[idx];
      bool acked = out.failure == http::failure_kind::none
                   && (out.status == 202 || out.status == 200);
      // 503 (intake full) and refused connections left nothing behind:
      // the client tries again, as a monitoring system would.
      bool again = (out.failure == http::failure_kind::none
                    && out.status == 503)
                   || out.failure == http::failure_kind::connect;
      std::string id;
      if (acked) {
        auto k = out.body.find("\"request_id\":\"");
        if (k != std::string::npos) {
          k += 14;
          id = out.body.substr(k, out.body.find('"', k) - k);
        }
      }
      std::lock_guard<std::mutex> g{mtx};
      --in_flight;
      if (acked) {
        s.state = slot_state::acked;
        s.ack_ms =
          std::chrono::duration<double, std::milli>(now - s.last_sent).count();
        s.request_id = std::move(id);
        last_ack_sys_us = now_sys_us();
        ++acked_count;
        ++settled;
      } else if (again && res.client_retries < 10 * static_cast<int64_t>(n)) {
        ++res.client_retries;
        double delay = 0.1;
        auto ra = out.header("Retry-After");
        if (!ra.empty())
          delay = std::min(1.0, std::max(0.05, std::atof(std::string{ra}.c_str())));
        retry_at.emplace(now + std::chrono::microseconds(
                                 static_cast<int64_t>(delay * 1e6)),
                         idx);
      } else {
        s.state = slot_state::error;
        ++settled;
        ++res.intake_errors;
        std::string why = out.failure == http::failure_kind::none
                            ? "HTTP " + std::to_string(out.status)
                            : out.error;
        if (out.failure == http::failure_kind::none) {
          auto c = out.body.find("\"code\":\"");
          if (c != std::string::npos)
            why += " " + out.body.substr(c + 8, out.body.find('"', c + 8) - c - 8);
        }
        ++res.intake_error_reasons[why];
      }
      cv.notify_all();
    });
  };

  {
    std::unique_lock<std::mutex> lk{mtx};
    size_t next = 0;
    while (settled < n) {
      cv.wait(lk, [&] { return in_flight < opt.concurrency || settled >= n; });
      if (settled >= n)
        break;
      auto now = steady::now();
      size_t idx = n;
      steady::time_point wake = now + std::chrono::milliseconds(50);
      if (!retry_at.empty() && retry_at.begin()->first <= now) {
        idx = retry_at.begin()->second;
        retry_at.erase(retry_at.begin());
      } else if (next < n) {
        auto due = start + std::chrono::microseconds(
                             static_cast<int64_t>(storm[next].at_ms * 1000));
        if (due <= now)
          idx = next++;
        else
          wake = std::min(wake, due);
      }
      if (idx == n) {
        if (!retry_at.empty())
          wake = std::min(wake, retry_at.begin()->first);
        cv.wait_until(lk, wake);
        continue;
      }
      ++in_flight;
      lk.unlock();
      send(idx);
      lk.lock();
    }
  }
  res.acked = acked_count.load();
  res.intake_seconds =
    last_ack_sys_us > 0 ? (last_ack_sys_us - start_sys_us) / 1e6 : 0;
  res.accepted_per_s =
    res.intake_seconds > 0 ? res.acked / res.intake_seconds : 0;
  res.rss_after_intake_kb = read_proc(res.gateway_pid).rss_kb;

  // Wait until the gateway finished everything it acknowledged.
  auto deadline = steady::now() + std::chrono::microseconds(
                                    static_cast<int64_t>(opt.drain_timeout_s * 1e6));
  while (!opt.intake_only && steady::now() < deadline) {
    {
      std::lock_guard<std::mutex> g{sample_mtx};
      if (latest.finished - base.finished >= res.acked && latest.queue == 0) {
        res.drained = true;
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sampling = false;
  sampler.join();
  if (opt.progress && isatty(2))
    std::fprintf(stderr, "\n");
  client.stop();

  auto endm = blocking_call(side, "GET", opt.gateway + "/metrics");
  if (ok_200(endm)) {
    auto c = parse_metrics(endm.body);
    res.gateway_retries = c.retries - base.retries;
    res.gateway_lookups = c.lookups - base.lookups;
  }
  auto proc1 = read_proc(res.gateway_pid);
  res.cpu_seconds = proc1.ok ? proc1.cpu_s - proc0.cpu_s : 0;
  res.peak_rss_kb = proc1.hwm_kb;
  for (auto& s : res.samples)
    res.peak_queue_depth = std::max(res.peak_queue_depth, s.queue_depth);

  std::vector<double> acks;
  acks.reserve(n);
  for (auto& s : slots)
    if (s.state == slot_state::acked)
      acks.push_back(s.ack_ms);
  std::sort(acks.begin(), acks.end());
  res.ack_ms = percentiles_of(acks);
  res.ack_sorted_ms = std::move(acks);
  if (opt.intake_only)
    return res;

  // Outcomes from the status table, newest first, 1000 rows a page.
  std::unordered_map<std::string, size_t> by_id;
  by_id.reserve(n);
  for (size_t i = 0; i < n; ++i)
    if (slots[i].state == slot_state::acked)
      by_id.emplace(slots[i].request_id, i);
  std::vector<status_row> rows(n);
  std::vector<bool> has_row(n, false);
  for (int64_t offset = 0;; offset += 1000) {
    auto o = blocking_call(side, "GET",
                           opt.gateway + "/api/v1/status?limit=1000&offset="
                             + std::to_string(offset),
                           {}, std::chrono::seconds(60));
    if (!ok_200(o))
      return failure{"GET /api/v1/status failed: "
                       + (o.error.empty() ? std::to_string(o.status) : o.error),
                     "status"};
    rapidjson::Document d;
    d.Parse(o.body.c_str());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("rows"))
      return failure{"GET /api/v1/status answered no rows", "status"};
    auto& arr = d["rows"];
    for (auto& row : arr.GetArray()) {
      auto it = by_id.find(row["request_id"].GetString());
      if (it == by_id.end())
        continue;
      auto& r = rows[it->second];
      has_row[it->second] = true;
      r.succeeded = std::string{row["status"].GetString()} == "Succeeded";
      r.finished_us = parse_iso_us(row["finished_at"].GetString());
      if (row.HasMember("reason") && row["reason"].IsString())
        r.reason = row["reason"].GetString();
    }
    if (arr.Size() < 1000)
      break;
  }

  int64_t last_finish_us = 0;
  std::vector<double> e2e;
  e2e.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (slots[i].state != slot_state::acked)
      continue;
    if (!has_row[i]) {
      ++res.lost;
      if (res.lost_examples.size() < 10) {
        auto o = blocking_call(side, "GET",
                               opt.gateway + "/api/v1/requests/"
                                 + slots[i].request_id);
        std::string state = "unknown";
        auto k = o.body.find("\"state\":\"");
        if (k != std::string::npos)
          state = o.body.substr(k + 9, o.body.find('"', k + 9) - k - 9);
        res.lost_examples.push_back(slots[i].request_id + ": " + state);
      }
      continue;
    }
    auto& r = rows[i];
    if (r.succeeded) {
      ++res.succeeded;
    } else {
      ++res.failed;
      ++res.failure_reasons[r.reason.empty() ? "(no reason)" : r.reason];
    }
    last_finish_us = std::max(last_finish_us, r.finished_us);
    e2e.push_back(
      std::max(0.0, (r.finished_us - slots[i].first_sent_sys_us) / 1000.0));
  }
  std::sort(e2e.begin(), e2e.end());
  res.e2e_ms = percentiles_of(e2e);
  res.e2e_sorted_ms = std::move(e2e);
  if (last_finish_us > 0) {
    res.drain_seconds = (last_finish_us - start_sys_us) / 1e6;
    res.drain_after_intake_s =
      std::max(0.0, (last_finish_us - last_ack_sys_us) / 1e6);
    res.completed_per_s =
      res.drain_seconds > 0 ? res.succeeded / res.drain_seconds : 0;
  }

  // Duplicates: creates the simulator saw per ExternalReference beyond the
  // creates sent with it (ExternalReference = correlation id, else the
  // request id).
  if (!opt.sim.empty()) {
    std::unordered_map<std::string, int64_t> sim_after;
    if (!sim_creates(side, opt.sim, sim_after))
      return failure{"GET /admin/stats failed after the storm", "unreachable"};
    std::unordered_map<std::string, int64_t> sent_with;
    for (size_t i = 0; i < n; ++i) {
      if (storm[i].action != "create" || slots[i].first_sent_sys_us == 0)
        continue;
      auto ref = storm[i].correlation_id.empty() ? slots[i].request_id
                                                 : storm[i].correlation_id;
      if (!ref.empty())
        ++sent_with[ref];
    }
    auto created = [&](const std::string& ref) {
      auto a = sim_after.find(ref);
      auto b = sim_before.find(ref);
      return (a == sim_after.end() ? 0 : a->second)
             - (b == sim_before.end() ? 0 : b->second);
    };
    for (auto& [ref, count] : sent_with)
      res.duplicated += std::max<int64_t>(0, created(ref) - count);
    for (size_t i = 0; i < n; ++i) {
      if (storm[i].action != "create" || !has_row[i] || !rows[i].succeeded)
        continue;
      auto ref = storm[i].correlation_id.empty() ? slots[i].request_id
                                                 : storm[i].correlation_id;
      if (created(ref) <= 0)
        ++res.missing_in_usms;
    }
    res.duplicates_checked = true;
  }
  side.stop();
  return res;
}

} // namespace usms::bench
