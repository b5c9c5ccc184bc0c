#pragma once

/// This instance's standing in the cluster, readable from any thread: the
/// cluster member writes its lease, the SOAP dispatcher reads it before
/// any bytes leave for USMS. CAF-free.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace usms {

class cluster_board {
public:
  /// Milliseconds on the monotonic clock: a lease is timed on it, so that
  /// a wall-clock step changes nothing.
  static int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
  }

  /// The lease was renewed by a request sent at `asked_at` (steady ms): it
  /// runs until at least asked_at + lease_ms. Calls may start until a
  /// quarter of the lease before that: the margin left for the time
  /// between the check and the bytes on the wire, and for clocks.
  void granted(int64_t asked_at, int64_t lease_ms) {
    send_until_.store(asked_at + lease_ms - lease_ms / 4,
                      std::memory_order_release);
  }

  /// The lease is gone (taken over, or this instance leaves): nothing may
  /// be sent any more.
  void revoke() { send_until_.store(0, std::memory_order_release); }

  /// Whether a SOAP call may start now.
  bool may_send(int64_t now = steady_ms()) const {
    return now < send_until_.load(std::memory_order_acquire);
  }

  /// Unfinished requests of the whole cluster, as the member last counted.
  void set_cluster_unfinished(int64_t n) {
    cluster_unfinished_.store(n, std::memory_order_relaxed);
  }
  int64_t cluster_unfinished() const {
    return cluster_unfinished_.load(std::memory_order_relaxed);
  }

  /// Unfinished requests this instance works on (the intake's figure).
  void set_owned(int64_t n) { owned_.store(n, std::memory_order_relaxed); }
  int64_t owned() const { return owned_.load(std::memory_order_relaxed); }

private:
  std::atomic<int64_t> send_until_{0};
  std::atomic<int64_t> cluster_unfinished_{0};
  std::atomic<int64_t> owned_{0};
};

} // namespace usms
