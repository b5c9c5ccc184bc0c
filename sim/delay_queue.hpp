#pragma once

/// Runs callbacks at a later time on one timer thread, so that injected
/// latency and hung calls never block the HTTP server's I/O threads.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace usms::sim {

class delay_queue {
public:
  using clock = std::chrono::steady_clock;

  delay_queue();
  /// Runs everything still pending, then joins the timer thread.
  ~delay_queue();
  delay_queue(const delay_queue&) = delete;
  delay_queue& operator=(const delay_queue&) = delete;

  /// Runs `fn` on the timer thread at `when` (at once, on the caller's
  /// thread, once stopped).
  void schedule(clock::time_point when, std::function<void()> fn);

  /// Runs every pending callback now (shutdown: answer or reset held
  /// calls), then stops the timer thread. Idempotent.
  void stop();

private:
  void run();

  std::mutex mtx_;
  std::condition_variable cv_;
  std::multimap<clock::time_point, std::function<void()>> pending_;
  bool stopped_ = false;
  std::thread thread_;
};

} // namespace usms::sim
