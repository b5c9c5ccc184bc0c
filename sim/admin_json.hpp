#pragma once

/// The JSON of the simulator's admin endpoints (`/admin/faults`,
/// `/admin/stats`).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "contract/result.hpp"
#include "sim/fault_injector.hpp"
#include "transport/http_server.hpp"

namespace usms::sim {

/// `{"latency_ms": 0, ..., "down": false}`: every setting.
std::string faults_to_json(const fault_settings& settings);

/// Applies a `PUT /admin/faults` body (a JSON object with any subset of the
/// keys `faults_to_json` writes) on top of `base`. Fails on bad JSON, an
/// unknown key, a wrong type or a value out of range.
result<fault_settings> apply_faults_json(std::string_view body,
                                         fault_settings base);

/// What `GET /admin/stats` shows.
struct stats_snapshot {
  std::map<std::string, uint64_t> calls;
  std::map<std::string, uint64_t> creates_by_external_reference;
  uint64_t tickets = 0;
  fault_counts faults;
  /// SOAP calls being answered now, and the most there were at once since
  /// the start (or the last reset).
  uint64_t in_flight = 0;
  uint64_t peak_concurrency = 0;
};

/// `{"calls": {...}, "creates_by_external_reference": {...}, "tickets": n,
/// "faults_injected": {...}, "in_flight": n, "peak_concurrency": n}`.
std::string stats_to_json(const stats_snapshot& stats);

/// `{"error": "<message>"}`.
std::string error_json(std::string_view message);

/// An admin endpoint's answer: `body` as application/json.
http::response json_response(unsigned status, std::string body);

} // namespace usms::sim
