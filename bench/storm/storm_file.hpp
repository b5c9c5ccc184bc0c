#pragma once

/// Storms: the requests of a storm (replay format: JSON lines) and the
/// built-in generator of named shapes (steady, burst, ramp, outage).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "contract/result.hpp"

namespace usms::bench {

/// One request of a storm, as one line of a storm file:
/// `{"at_ms": 12.5, "action": "create", "type": "incident",
///   "fields": {...}, "source": "nms", "correlation_id": "outage-17"}`
/// plus `"ticket_id"` for an update.
struct storm_request {
  double at_ms = 0;      ///< offset from the start of the storm
  std::string action;    ///< create | update | query
  std::string type;      ///< incident | change | problem
  std::string fields;    ///< the `fields` object as compact JSON text
  std::string source;
  std::string correlation_id;
  std::string ticket_id; ///< update target
};

/// Parses one storm line; an error names what is wrong.
usms::result<storm_request> parse_storm_line(const std::string& line);

/// The storm line of `r` (compact JSON, no newline).
std::string storm_line(const storm_request& r);

/// Reads a whole storm file (blank lines skipped); errors name the line.
usms::result<std::vector<storm_request>> read_storm(std::istream& in);

/// A generated storm's shape and size.
struct shape_options {
  std::string shape = "outage"; ///< steady | burst | ramp | outage
  int count = 100000;
  double rate = 1000;      ///< steady: per second; ramp: final rate
  double rate_from = 100;  ///< ramp: initial rate
  int items = 5000;        ///< configuration items alarms are spread over
  uint64_t seed = 1;
  std::string prefix;      ///< correlation id prefix; empty: the shape name
};

/// Generates a storm of creates (incidents) in `at_ms` order. Every request
/// has its own correlation id; many name the same configuration item.
usms::result<std::vector<storm_request>> generate_storm(const shape_options& o);

} // namespace usms::bench
