#pragma once

/// A USMS outage in the middle of a storm, driven by the storm's own
/// clock: at a given second the simulator becomes unavailable — every SOAP
/// call answered with a Server fault UNAVAILABLE (`PUT /admin/faults
/// {"down": true}`), or the simulator process frozen with SIGSTOP so calls
/// hang — and a given number of seconds later it is back. Counts the SOAP
/// calls USMS received and the gateway made meanwhile.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "bench/storm/storm_probes.hpp"
#include "transport/http_client.hpp"

namespace usms::bench {

/// When and how USMS goes away.
struct outage_options {
  double down_at_s = -1; ///< seconds after the storm's start; < 0: no outage
  double down_for_s = 0; ///< how long USMS stays away
  int freeze_pid = 0;    ///< > 0: SIGSTOP/SIGCONT this process instead of `down`
};

/// What happened during the outage. Counts are -1 when they could not be
/// read.
struct outage_figures {
  bool happened = false;
  std::string mode;           ///< "down" (fault) or "freeze" (SIGSTOP)
  double down_at_s = 0;       ///< when USMS went away, storm seconds
  double up_at_s = 0;         ///< when it was back, storm seconds
  int64_t up_sys_us = 0;      ///< the same moment by the system clock
  /// SOAP calls the simulator received (down mode only: a stopped process
  /// counts nothing, the kernel queues the calls in its sockets).
  int64_t sim_calls = -1;
  int64_t sim_down_faults = -1; ///< of them answered UNAVAILABLE
  /// SOAP calls the gateway sent meanwhile: those that ended, plus those
  /// in flight at the end, minus those in flight at the start.
  int64_t gateway_soap_calls = -1;
};

/// Runs the outage on a thread of its own from construction. The
/// destructor (or finish()) brings USMS back at once if it is still away:
/// a run that ends early never leaves the simulator down or stopped.
class usms_outage {
public:
  usms_outage(http::client& side, std::string sim, std::string gateway,
              const outage_options& opt,
              std::chrono::steady_clock::time_point start);
  ~usms_outage();
  usms_outage(const usms_outage&) = delete;
  usms_outage& operator=(const usms_outage&) = delete;

  /// Whether no outage is planned or it is over (USMS back).
  bool over() const;

  /// Ends the outage now if it is still on or to come (a run cut short),
  /// joins the thread and returns what happened.
  outage_figures finish();

private:
  void run();
  void go_away();
  void come_back();
  /// The gateway's SOAP calls ended and in flight; not ok when it does not
  /// answer.
  gateway_counters gateway_soap();

  http::client& side_;
  const std::string sim_, gateway_;
  const outage_options opt_;
  const std::chrono::steady_clock::time_point start_;

  mutable std::mutex mtx_; // guards the members below
  std::condition_variable wake_;
  bool stop_ = false;
  bool over_;
  outage_figures fig_;
  // Counters read just before USMS went away (thread only).
  sim_call_counts sim_before_;
  bool sim_before_ok_ = false;
  gateway_counters gateway_before_;
  std::thread thread_; // last: starts once the members above exist
};

} // namespace usms::bench
