#include "bench/storm/storm_runner.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include "bench/storm/gateway_process.hpp"
#include "bench/storm/storm_calls.hpp"
#include "bench/storm/storm_duplicates.hpp"
#include "bench/storm/storm_intake.hpp"
#include "bench/storm/storm_outcomes.hpp"
#include "bench/storm/storm_probes.hpp"
#include "bench/storm/storm_sampler.hpp"
#include "common/iso_time.hpp"
#include "transport/http_client.hpp"

namespace usms::bench {

namespace {

using steady = std::chrono::steady_clock;

/// Waits until the gateway finished everything it acknowledged and holds
/// nothing more, and the outage is over, or until `timeout_s`; whether it
/// did.
bool wait_for_drain(const storm_sampler& sampler, const gateway_counters& base,
                    int64_t acked, double timeout_s,
                    const usms_outage& outage) {
  auto deadline = steady::now() + std::chrono::microseconds(
                                    static_cast<int64_t>(timeout_s * 1e6));
  while (steady::now() < deadline) {
    auto latest = sampler.latest();
    if (latest.finished - base.finished >= acked && latest.queue == 0
        && outage.over())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// The peaks of the samples, and how long the backlog took to clear after
/// an outage: until the first sample after USMS came back whose queue is
/// no deeper than the last one before it went away.
void sample_figures(run_result& res) {
  int64_t before_outage = -1;
  for (auto& s : res.samples) {
    res.peak_queue_depth = std::max(res.peak_queue_depth, s.queue_depth);
    res.peak_held = std::max(res.peak_held, s.held);
    if (!res.outage.happened)
      continue;
    if (s.t <= res.outage.down_at_s)
      before_outage = s.queue_depth;
    else if (s.t >= res.outage.up_at_s && res.caught_up_after_outage_s < 0
             && s.queue_depth <= std::max<int64_t>(0, before_outage))
      res.caught_up_after_outage_s = s.t - res.outage.up_at_s;
  }
}

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

  // Before: the gateway's counters, the simulator's creates and the
  // gateway process, through a side client that the storm does not load.
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

  creates_by_reference sim_before;
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
  calls.reserve(storm.size());
  for (auto& r : storm)
    calls.push_back(to_outgoing(opt.gateway, opt.idempotency_keys, r));

  http::client_options co;
  co.max_connections_per_host = static_cast<size_t>(opt.concurrency);
  co.request_timeout = std::chrono::seconds(60);
  http::client client{co};

  // The storm: intake, then the wait for the gateway to drain, sampled
  // throughout.
  const auto start = steady::now();
  const int64_t start_sys_us = now_sys_us();
  res.started_at = format_iso8601_utc_ms(start_sys_us / 1000);
  intake_progress progress;
  storm_sampler sampler{side, opt, res.gateway_pid, base, proc0,
                        start, storm.size(), progress};
  usms_outage outage{side, opt.sim, opt.gateway, opt.outage, start};

  auto intake = send_storm(client, storm, calls, opt.concurrency, start,
                           progress);
  res.acked = intake.acked;
  res.intake_errors = intake.intake_errors;
  res.intake_error_reasons = std::move(intake.intake_error_reasons);
  res.client_retries = intake.client_retries;
  res.intake_seconds = intake.last_ack_sys_us > 0
                         ? (intake.last_ack_sys_us - start_sys_us) / 1e6
                         : 0;
  res.accepted_per_s =
    res.intake_seconds > 0 ? res.acked / res.intake_seconds : 0;
  res.rss_after_intake_kb = read_proc(res.gateway_pid).rss_kb;

  if (!opt.intake_only)
    res.drained = wait_for_drain(sampler, base, res.acked, opt.drain_timeout_s,
                                 outage);
  res.outage = outage.finish();
  res.samples = sampler.stop();
  client.stop();

  // After: what the gateway spent on the storm.
  auto endm = blocking_call(side, "GET", opt.gateway + "/metrics");
  if (ok_200(endm)) {
    auto c = parse_metrics(endm.body);
    res.gateway_retries = c.retries - base.retries;
    res.gateway_lookups = c.lookups - base.lookups;
  }
  auto proc1 = read_proc(res.gateway_pid);
  res.cpu_seconds = proc1.ok ? proc1.cpu_s - proc0.cpu_s : 0;
  res.peak_rss_kb = proc1.hwm_kb;
  sample_figures(res);

  res.ack_sorted_ms = sorted_ack_ms(intake.slots);
  res.ack_ms = percentiles_of(res.ack_sorted_ms);
  if (opt.intake_only)
    return res;

  // How each acknowledged request ended.
  auto rows = read_status_rows(side, opt.gateway, intake.slots);
  if (!rows)
    return rows.error();
  tally_outcomes(side, opt.gateway, intake.slots, *rows, start_sys_us,
                 intake.last_ack_sys_us, res);
  if (res.outage.happened && res.drain_seconds > 0)
    res.last_finish_after_outage_s =
      std::max(0.0, start_sys_us / 1e6 + res.drain_seconds
                      - res.outage.up_sys_us / 1e6);

  if (!opt.sim.empty()) {
    creates_by_reference sim_after;
    if (!sim_creates(side, opt.sim, sim_after))
      return failure{"GET /admin/stats failed after the storm", "unreachable"};
    auto dup = count_duplicates(storm, intake.slots, *rows, sim_before,
                                sim_after);
    res.created = dup.created;
    res.duplicated = dup.duplicated;
    res.missing_in_usms = dup.missing_in_usms;
    res.duplicates_checked = true;
  }
  side.stop();
  return res;
}

} // namespace usms::bench
