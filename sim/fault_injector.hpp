#pragma once

/// Decides, per SOAP call, which fault the simulator injects: fixed and
/// random latency, random fault rates, and deterministic "the next N calls"
/// counters that tests use to get exact behaviour.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <mutex>
#include <random>

namespace usms::sim {

/// The fault injection settings (flags at start, `PUT /admin/faults` at run
/// time).
struct fault_settings {
  double latency_ms = 0;        ///< fixed latency added to every SOAP call
  double latency_jitter_ms = 0; ///< plus uniform 0..jitter
  double server_fault_rate = 0; ///< Server fault, HTTP 500
  /// The ErrorCode of injected Server faults: UNAVAILABLE ("not done, send
  /// again") or another code such as INTERNAL (the outcome is unknown).
  std::string server_fault_code = "UNAVAILABLE";
  double unavailable_rate = 0;  ///< HTTP 503 with Retry-After
  int retry_after_s = 1;        ///< the Retry-After value
  double reset_after_create_rate = 0; ///< create, then reset the connection
  double hang_after_create_rate = 0;  ///< create, then hold, then reset
  double hang_for_s = 60;             ///< how long a hung call is held
  uint64_t server_fault_next = 0;     ///< the next N calls: Server fault
  uint64_t unavailable_next = 0;      ///< the next N calls: 503
  uint64_t reset_after_create_next = 0; ///< the next N creates: reset
  uint64_t hang_after_create_next = 0;  ///< the next N creates: hang
  bool down = false; ///< every call: Server fault UNAVAILABLE
};

/// What happens to one call before it is processed.
enum class pre_fault : uint8_t {
  none,
  down,         ///< Server fault UNAVAILABLE ("backend down")
  server_fault, ///< Server fault with server_fault_code, HTTP 500
  unavailable,  ///< HTTP 503 + Retry-After
};

/// What happens to a create that succeeded.
enum class post_create_fault : uint8_t { none, reset, hang };

/// How many faults were injected, by kind.
struct fault_counts {
  uint64_t down = 0;
  uint64_t server_fault = 0;
  uint64_t unavailable = 0;
  uint64_t reset_after_create = 0;
  uint64_t hang_after_create = 0;
};

class fault_injector {
public:
  fault_injector(fault_settings settings, uint64_t seed);

  /// The latency to add to one call (fixed + jitter).
  std::chrono::microseconds draw_latency();

  /// The fault for a call about to be processed (counters first, then
  /// rates).
  pre_fault draw_pre_fault();

  /// The fault for a create that has just succeeded.
  post_create_fault draw_post_create_fault();

  fault_settings settings() const;
  void set_settings(const fault_settings& settings);
  fault_counts counts() const;
  void reset_counts();

private:
  bool chance(double rate); // call with mtx_ held
  void update_quiet();       // call with mtx_ held

  // True while nothing is configured: the common case then takes no lock.
  std::atomic<bool> quiet_{true};

  mutable std::mutex mtx_;
  fault_settings settings_;
  fault_counts counts_;
  std::mt19937_64 rng_;
};

} // namespace usms::sim
