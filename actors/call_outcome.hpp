#pragma once

/// What the end of one SOAP call means, decided in one place: for the
/// request (done, permanent, not processed, ambiguous, bad credentials) and
/// for USMS health (a failure signal, a life signal, or neither). Pure and
/// CAF-free; docs/design.md ("USMS outages") has the table.

#include <cstdint>
#include <string>

#include "transport/call_result.hpp"

namespace usms {

/// What a call's end means for the request that made it.
enum class outcome_class : uint8_t {
  done,          ///< a success answer
  permanent,     ///< a Client fault or a 413: trying again will not help
  not_processed, ///< USMS did not take it: resending is safe, no lookup
  ambiguous,     ///< sent, but no usable answer: a create may exist now
  auth_failed,   ///< the gateway's own credentials were refused (AUTH)
};

/// What a call's end says about USMS.
enum class health_signal : uint8_t {
  life,    ///< USMS answered (any SOAP answer or fault but UNAVAILABLE)
  failure, ///< USMS unreachable, overloaded, hung or failing without SOAP
  neutral, ///< neither: HTTP 429 says "slow down", not "down"
};

struct call_outcome {
  outcome_class cls = outcome_class::done;
  health_signal signal = health_signal::life;
  /// Retry-After of a 429 or 503 in milliseconds, -1 when absent: all
  /// dispatch pauses that long.
  int64_t pause_ms = -1;
  /// Why, for people; empty when done.
  std::string reason;
};

/// Classifies one call's result.
call_outcome classify(const call_result& r);

std::string to_string(outcome_class x);
std::string to_string(health_signal x);

} // namespace usms
