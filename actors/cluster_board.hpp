#pragma once

/// This instance's standing in the cluster, readable from any thread: the
/// cluster member writes its lease, the SOAP dispatcher reads it before
/// any bytes leave for USMS. CAF-free.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

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

  /// This instance leads the cluster: it runs the offload, the janitor and
  /// the trend sampling (one instance at a time does).
  void set_leading(bool yes) { leading_.store(yes, std::memory_order_relaxed); }
  bool leading() const { return leading_.load(std::memory_order_relaxed); }

  /// Live instances in the cluster (at least 1): each takes its share of
  /// the cluster-wide limits.
  void set_live_instances(int64_t n) {
    live_.store(n < 1 ? 1 : n, std::memory_order_relaxed);
  }
  int64_t live_instances() const {
    return live_.load(std::memory_order_relaxed);
  }

  /// The member counted `n` unfinished requests owned by other instances
  /// (or by none, handed back and not claimed yet).
  void set_others_unfinished(int64_t n) {
    others_unfinished_.store(n > 0 ? n : 0, std::memory_order_relaxed);
  }
  /// The other instances' unfinished requests, as last counted (at most a
  /// second or so old).
  int64_t others_unfinished() const {
    return others_unfinished_.load(std::memory_order_relaxed);
  }

  /// Unfinished requests this instance works on (the intake's figure).
  void set_owned(int64_t n) { owned_.store(n, std::memory_order_relaxed); }
  int64_t owned() const { return owned_.load(std::memory_order_relaxed); }

private:
  std::atomic<int64_t> send_until_{0};
  std::atomic<int64_t> others_unfinished_{0};
  std::atomic<int64_t> owned_{0};
  std::atomic<bool> leading_{false};
  std::atomic<int64_t> live_{1};
};

/// Whether periodic work that one instance at a time does may run here:
/// always when the instance is alone (no board), else while it leads.
inline bool runs_here(const std::shared_ptr<const cluster_board>& board) {
  return !board || board->leading();
}

} // namespace usms
