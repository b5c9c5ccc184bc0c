#pragma once

/// Replays a storm against a running gateway and measures it: intake
/// acknowledgements, progress from /metrics, the gateway's memory and CPU
/// from /proc, then correctness from the gateway's status table and the
/// simulator's creates per ExternalReference.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/storm/storm_file.hpp"
#include "bench/storm/usms_outage.hpp"

namespace usms::bench {

struct run_options {
  std::string gateway = "http://127.0.0.1:8080";
  std::string sim;          ///< simulator base URL; empty: no duplicate check
  int gateway_pid = 0;      ///< 0: look for a process named usms-gateway
  int concurrency = 64;     ///< requests in flight towards the intake
  double drain_timeout_s = 600;
  double sample_interval_s = 0.25;
  bool intake_only = false; ///< measure intake, do not wait for the outcome
  bool progress = true;     ///< a progress line on stderr
  bool idempotency_keys = false; ///< send Idempotency-Key: correlation id
  outage_options outage;         ///< USMS away for a while; none by default
};

/// One sample of the run, taken every sample_interval_s.
struct sample {
  double t = 0;            ///< seconds since the storm started
  int64_t sent = 0;        ///< requests the tool has sent
  int64_t acked = 0;       ///< acknowledged (202/200) so far
  int64_t finished = 0;    ///< finished per the gateway's metrics
  int64_t queue_depth = 0; ///< unfinished requests in the gateway
  int64_t rss_kb = 0;      ///< gateway resident memory
  double cpu_s = 0;        ///< gateway CPU seconds since the start
  int64_t held = 0;        ///< requests held while USMS is away
  int64_t soap_calls = 0;  ///< SOAP calls the gateway made since the start
  std::string usms_state;  ///< the gateway's view of USMS; empty: unknown
};

struct percentiles {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  size_t count = 0;
};

struct run_result {
  int64_t requests = 0;         ///< in the storm
  int64_t acked = 0;            ///< acknowledged by the intake
  int64_t intake_errors = 0;    ///< never acknowledged (after client retries)
  std::map<std::string, int64_t> intake_error_reasons;
  int64_t client_retries = 0;   ///< resends after 503 intake_full / connect
  double intake_seconds = 0;    ///< first send to last acknowledgement
  double accepted_per_s = 0;
  bool drained = false;
  double drain_seconds = 0;     ///< storm start to the last finish
  double drain_after_intake_s = 0; ///< last acknowledgement to the last finish
  int64_t succeeded = 0;
  int64_t failed = 0;
  std::map<std::string, int64_t> failure_reasons;
  double completed_per_s = 0;   ///< succeeded / drain_seconds
  int64_t lost = 0;             ///< acknowledged, never finished
  std::vector<std::string> lost_examples; ///< "request_id: state"
  int64_t missing_in_usms = 0;  ///< succeeded, but USMS has no such ticket
  int64_t created = 0;          ///< creates the simulator saw for the storm
  int64_t duplicated = 0;       ///< extra creates per ExternalReference
  bool duplicates_checked = false;
  int64_t gateway_retries = 0;  ///< usms_gateway_retries_total delta
  int64_t gateway_lookups = 0;
  int64_t peak_queue_depth = 0;
  int64_t peak_held = 0;
  outage_figures outage;        ///< what happened while USMS was away
  /// After USMS came back: until the queue was no deeper than just before
  /// it went away, and until the last request finished; -1: not reached.
  double caught_up_after_outage_s = -1;
  double last_finish_after_outage_s = -1;
  int gateway_pid = 0;
  int64_t rss_before_kb = 0, rss_after_intake_kb = 0, peak_rss_kb = 0;
  double cpu_seconds = 0;       ///< gateway user+system during the run
  percentiles ack_ms;           ///< send to 202
  percentiles e2e_ms;           ///< send to finished_at (gateway clock)
  std::vector<double> ack_sorted_ms, e2e_sorted_ms; ///< for the charts
  std::vector<sample> samples;
  std::string started_at;       ///< ISO 8601 UTC
};

/// Runs the storm; an error when the gateway cannot be reached at all.
/// The phases, each in a file of its own: the calls are built
/// (storm_calls), sent at their times (storm_intake) while a sampler
/// follows the gateway (storm_sampler); then the wait for the gateway to
/// drain, how each request ended (storm_outcomes) and the duplicate count
/// against the simulator (storm_duplicates). A USMS outage (usms_outage)
/// runs on the storm's clock when `opt.outage` asks for one; the drain
/// wait lasts at least until it is over.
usms::result<run_result> run_storm(const run_options& opt,
                                   const std::vector<storm_request>& storm);

/// p50/p90/p99/max of `sorted` (ascending).
percentiles percentiles_of(const std::vector<double>& sorted);

} // namespace usms::bench
