#pragma once

/// The latest USMS status and held-request count, readable from any thread:
/// the SOAP dispatcher writes the status, the intake the count, the HTTP
/// API, the pages' banner and the metrics read them without asking an actor.

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

private:
  mutable std::mutex mtx_;
  usms_status status_;
  std::atomic<int64_t> held_{0};
};

} // namespace usms
