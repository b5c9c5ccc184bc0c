#pragma once

/// What the storm reads beside the intake's answers: the gateway's
/// Prometheus counters and the simulator's creates per ExternalReference,
/// each through one blocking call on a side client.

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "transport/http_client.hpp"

namespace usms::bench {

/// Sends one call and waits for its outcome.
http::outcome blocking_call(http::client& c, const std::string& method,
                            const std::string& url, std::string body = {},
                            std::chrono::milliseconds timeout
                            = std::chrono::seconds(30));

/// Whether the call was answered with 200.
bool ok_200(const http::outcome& o);

/// The gateway counters the storm follows, summed over their labels, and
/// how the gateway sees USMS.
struct gateway_counters {
  bool ok = false; ///< read from a /metrics answer
  int64_t accepted = 0, finished = 0, queue = 0, retries = 0, lookups = 0;
  int64_t held = 0;       ///< requests waiting for USMS to come back
  int64_t soap_calls = 0; ///< SOAP calls ended, every operation and result
  int64_t soap_in_flight = 0; ///< SOAP calls sent and not ended yet
  /// The usms_gateway_usms_state series that is 1 ("up", "down", ...);
  /// empty when the gateway does not publish it.
  std::string usms_state;
};

/// Sums the counters the storm needs out of the Prometheus text.
gateway_counters parse_metrics(const std::string& text);

/// Creates the simulator saw, per ExternalReference.
using creates_by_reference = std::unordered_map<std::string, int64_t>;

/// The simulator's call counters.
struct sim_call_counts {
  int64_t calls = 0;       ///< SOAP calls received, every operation
  int64_t down_faults = 0; ///< calls answered UNAVAILABLE because it was down
};

/// Reads `calls` and `faults_injected.down` from the simulator's
/// GET /admin/stats into `out`; false when it cannot.
bool sim_calls(http::client& c, const std::string& sim, sim_call_counts& out);

/// Reads `creates_by_external_reference` from the simulator's
/// GET /admin/stats into `out`; false when it cannot.
bool sim_creates(http::client& c, const std::string& sim,
                 creates_by_reference& out);

} // namespace usms::bench
