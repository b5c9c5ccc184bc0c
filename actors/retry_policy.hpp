#pragma once

/// When to try again: capped exponential backoff with jitter, and the
/// verdict on one SOAP call (success, retry, ambiguous or permanent).
/// CAF-free value types, tested on their own.

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

#include "contract/ticket.hpp"
#include "transport/call_result.hpp"

namespace usms {

struct retry_policy {
  /// Attempts in all: `soap.retries + 1`.
  int max_attempts = 4;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{30000};
  /// Off in tests, so delays are exact.
  bool jitter = true;

  /// The delay after `attempts` failed attempts (1 = after the first):
  /// base * 2^(attempts-1), capped; with jitter, uniform in [d/2, d].
  std::chrono::milliseconds backoff(int attempts, std::mt19937_64& rng) const;

  /// The delay honouring a server's Retry-After (ms, -1 when absent): the
  /// larger of the two, Retry-After capped at one hour.
  std::chrono::milliseconds delay(int attempts, int64_t retry_after_ms,
                                  std::mt19937_64& rng) const;
};

enum class verdict_kind : uint8_t {
  success,   ///< USMS answered
  retry,     ///< transient: nothing changed in USMS, try again
  ambiguous, ///< a create may have happened: look up before re-sending
  permanent, ///< will not get better by trying again
};

struct verdict {
  verdict_kind kind = verdict_kind::success;
  std::string reason; ///< for people; empty on success
};

/// Judges one call's result for a request of kind `act`.
verdict judge(action act, const call_result& r);

} // namespace usms
