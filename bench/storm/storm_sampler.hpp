#pragma once

/// The storm's sampler: on its own thread, the gateway's /metrics (queue,
/// held requests, SOAP calls, USMS state) and /proc figures every sample
/// interval, and a progress line on stderr.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/storm/gateway_process.hpp"
#include "bench/storm/storm_intake.hpp"
#include "bench/storm/storm_probes.hpp"
#include "bench/storm/storm_runner.hpp"

namespace usms::bench {

/// Samples from construction until stop(). Finished requests and CPU time
/// count from `base` and `base_proc`; `t` from `start`.
class storm_sampler {
public:
  storm_sampler(http::client& side, const run_options& opt, int gateway_pid,
                const gateway_counters& base, const proc_figures& base_proc,
                std::chrono::steady_clock::time_point start,
                size_t storm_size, const intake_progress& progress);
  ~storm_sampler();
  storm_sampler(const storm_sampler&) = delete;
  storm_sampler& operator=(const storm_sampler&) = delete;

  /// The newest counters /metrics answered; `base` until the first answer.
  gateway_counters latest() const;

  /// Stops the thread (after the sample under way) and hands over the
  /// samples taken.
  std::vector<sample> stop();

private:
  void run();
  void print_progress(const sample& s) const;

  http::client& side_;
  const run_options& opt_;
  const int gateway_pid_;
  const gateway_counters base_;
  const proc_figures base_proc_;
  const std::chrono::steady_clock::time_point start_;
  const size_t storm_size_;
  const intake_progress& progress_;
  // On a terminal the progress line rewrites itself.
  const bool tty_;

  std::atomic<bool> sampling_{true};
  mutable std::mutex mtx_; // guards latest_ and samples_
  gateway_counters latest_;
  std::vector<sample> samples_;
  std::thread thread_; // last: starts once the members above exist
};

} // namespace usms::bench
