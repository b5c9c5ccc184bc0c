#pragma once

/// The latest USMS status, the held-request count and the oldest held
/// request's age, readable from any thread: the SOAP dispatcher writes the
/// status, the intake the held figures, the HTTP API, the pages' banner,
/// /readyz and the metrics read them without asking an actor.

#include <atomic>
#include <cstdint>
#include <mutex>

#include "messages/usms_status.hpp"

namespace usms {

class usms_board {
public:
  void publish(usms_status status) {
    std::lock_guard<std::mutex> guard{mtx_};
    status_ = std::move(status);
  }

  usms_status status() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return status_;
  }

  /// Requests of this instance waiting for USMS.
  void set_held(int64_t n) { held_.store(n, std::memory_order_relaxed); }
  int64_t held() const { return held_.load(std::memory_order_relaxed); }

  /// When the oldest request still held was accepted (unix ms); 0 while
  /// none is held.
  void set_oldest_held_at(int64_t unix_ms) {
    oldest_held_at_.store(unix_ms, std::memory_order_relaxed);
  }
  int64_t oldest_held_at() const {
    return oldest_held_at_.load(std::memory_order_relaxed);
  }

private:
  mutable std::mutex mtx_;
  usms_status status_;
  std::atomic<int64_t> held_{0};
  std::atomic<int64_t> oldest_held_at_{0};
};

} // namespace usms
