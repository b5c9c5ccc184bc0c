#include "bench/storm/storm_sampler.hpp"

#include <unistd.h>

#include <cstdio>

namespace usms::bench {

using steady = std::chrono::steady_clock;

storm_sampler::storm_sampler(http::client& side, const run_options& opt,
                             int gateway_pid, const gateway_counters& base,
                             const proc_figures& base_proc,
                             steady::time_point start, size_t storm_size,
                             const intake_progress& progress)
  : side_{side},
    opt_{opt},
    gateway_pid_{gateway_pid},
    base_{base},
    base_proc_{base_proc},
    start_{start},
    storm_size_{storm_size},
    progress_{progress},
    tty_{isatty(2) != 0},
    latest_{base},
    thread_{[this] { run(); }} {}

storm_sampler::~storm_sampler() {
  if (thread_.joinable())
    stop();
}

gateway_counters storm_sampler::latest() const {
  std::lock_guard<std::mutex> g{mtx_};
  return latest_;
}

std::vector<sample> storm_sampler::stop() {
  sampling_ = false;
  thread_.join();
  if (opt_.progress && tty_)
    std::fprintf(stderr, "\n");
  std::lock_guard<std::mutex> g{mtx_};
  return std::move(samples_);
}

void storm_sampler::run() {
  auto next = steady::now();
  while (sampling_.load()) {
    next += std::chrono::microseconds(
      static_cast<int64_t>(opt_.sample_interval_s * 1e6));
    auto m = blocking_call(side_, "GET", opt_.gateway + "/metrics", {},
                           std::chrono::seconds(5));
    auto pf = read_proc(gateway_pid_);
    sample s;
    s.t = std::chrono::duration<double>(steady::now() - start_).count();
    s.sent = progress_.sent.load();
    s.acked = progress_.acked.load();
    gateway_counters c;
    if (ok_200(m))
      c = parse_metrics(m.body);
    size_t taken = 0;
    {
      std::lock_guard<std::mutex> g{mtx_};
      if (c.ok)
        latest_ = c;
      s.finished = latest_.finished - base_.finished;
      s.queue_depth = latest_.queue;
      s.held = latest_.held;
      s.soap_calls = latest_.soap_calls - base_.soap_calls;
      s.usms_state = latest_.usms_state;
      s.rss_kb = pf.rss_kb;
      s.cpu_s = pf.ok ? pf.cpu_s - base_proc_.cpu_s : 0;
      samples_.push_back(s);
      taken = samples_.size();
    }
    // In a log (not a terminal), one line per 8 samples: every 2 s at the
    // default interval.
    if (opt_.progress && (tty_ || taken % 8 == 1))
      print_progress(s);
    std::this_thread::sleep_until(next);
  }
}

void storm_sampler::print_progress(const sample& s) const {
  std::fprintf(stderr,
               "%s%6.1fs  sent %lld/%zu  acked %lld  finished %lld  "
               "queue %lld  held %lld  usms %s  rss %.0f MiB  cpu %.1fs%s",
               tty_ ? "\r" : "", s.t, static_cast<long long>(s.sent),
               storm_size_, static_cast<long long>(s.acked),
               static_cast<long long>(s.finished),
               static_cast<long long>(s.queue_depth),
               static_cast<long long>(s.held),
               s.usms_state.empty() ? "?" : s.usms_state.c_str(),
               s.rss_kb / 1024.0,
               s.cpu_s, tty_ ? "   " : "\n");
  std::fflush(stderr);
}

} // namespace usms::bench
