#pragma once

/// What the operator side asks and answers across actors: status-table and
/// queue filters and pages, trend samples, reply routes and the values saved
/// at run time. Plain values; the storage seam (persistence/) reads and
/// writes them, the ops store actor carries them.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "messages/request.hpp"
#include "messages/status_row.hpp"

namespace usms {

/// Which status-table rows to show. Empty strings and zero times match all.
struct status_filter {
  std::string status; ///< Succeeded or Failed
  std::string action; ///< create / update / query
  std::string type;   ///< incident / change / problem
  std::string source;
  std::string cause; ///< command / alarm_firing / … (see request_cause)
  int64_t since = 0; ///< finished_at >= since (unix ms); 0 = no bound
  int64_t until = 0; ///< finished_at <= until (unix ms); 0 = no bound
  std::string q;     ///< free text found in the reason (case-insensitive)
  int32_t limit = 50;
  int64_t offset = 0;
};

/// One page of the status table, newest first.
struct status_page {
  int64_t total = 0;   ///< rows matching the filter
  int64_t entries = 0; ///< all rows (the Number of Incidents)
  std::vector<status_row> rows;
};

/// One Number of Incidents sample.
struct trend_sample {
  int64_t at = 0; ///< unix ms
  int64_t count = 0;
};

/// Which requests to list. Empty states = queued, in_flight, waiting_retry.
struct queue_filter {
  std::vector<request_state> states;
  std::string type;
  std::string source;
  int32_t limit = 100;
  int64_t offset = 0;
};

/// One page of the request queue, oldest first (the order of execution).
struct queue_page {
  int64_t total = 0;
  std::vector<request_record> requests;
};

/// `source` → webhook URL; source `*` is the default route.
struct reply_route {
  std::string source;
  std::string url;
};

/// The source of the default reply route.
inline constexpr const char* default_route = "*";

/// Where a reply for `source` goes among `routes`: its own route, else the
/// default route, else "" (nobody asked for one).
inline std::string route_for(const std::vector<reply_route>& routes,
                             const std::string& source) {
  const std::string* fallback = nullptr;
  for (const auto& r : routes) {
    if (!source.empty() && r.source == source)
      return r.url;
    if (r.source == default_route)
      fallback = &r.url;
  }
  return fallback ? *fallback : std::string{};
}

/// The sampler's settings (trend.interval, trend.keep).
struct trend_settings {
  int64_t interval_ms = 60'000;
  int64_t keep_ms = 30LL * 24 * 3600 * 1000;
};

/// Trend samples as one message value.
struct trend_series {
  std::vector<trend_sample> samples;
};

/// Every reply route as one message value.
struct route_list {
  std::vector<reply_route> routes;
};

/// Saved runtime settings (dotted key → JSON text). Holds the password when
/// one was saved: never log it (no deep_to_string of this type).
struct runtime_values {
  std::map<std::string, std::string> values;
};

} // namespace usms
