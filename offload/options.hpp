#pragma once

/// The offload settings made from the configuration's `[offload]` section.

#include <cstdint>
#include <string>

#include "config/settings.hpp"
#include "messages/offload.hpp"

namespace usms::offload {

/// The `[offload]` configuration section as offload options.
inline offload_options to_offload_options(const config::offload_settings& s) {
  offload_options o;
  o.path = s.path;
  o.max_entries = s.max_entries;
  o.amount = s.amount;
  o.check_interval_ms = s.check_interval.count();
  o.file_timespan_ms = s.file_timespan.count();
  o.retention_ms = s.retention ? s.retention->count() : 0;
  o.timezone = s.timezone;
  o.csv_formula_guard = s.csv_formula_guard;
  return o;
}

} // namespace usms::offload
