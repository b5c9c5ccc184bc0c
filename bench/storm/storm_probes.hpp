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

/// The gateway counters the storm follows, summed over their labels.
struct gateway_counters {
  bool ok = false; ///< read from a /metrics answer
  int64_t accepted = 0, finished = 0, queue = 0, retries = 0, lookups = 0;
};

/// Sums the counters the storm needs out of the Prometheus text.
gateway_counters parse_metrics(const std::string& text);

/// Creates the simulator saw, per ExternalReference.
using creates_by_reference = std::unordered_map<std::string, int64_t>;

/// Reads `creates_by_external_reference` from the simulator's
/// GET /admin/stats into `out`; false when it cannot.
bool sim_creates(http::client& c, const std::string& sim,
                 creates_by_reference& out);

} // namespace usms::bench
