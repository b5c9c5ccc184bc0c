#pragma once

/// Offload file and folder names (docs/offload.md):
/// `<path>/yyyy_MM_dd/Offload_<HH>_<N>h.csv`, HH the two-digit start hour of
/// the N-hour window in the offload time zone. Also the ISO 8601 times
/// written into the files, and the parsers the janitor uses to recognise
/// (only) its own files.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "contract/result.hpp"
#include "offload/clock.hpp"

namespace date {
class time_zone;
} // namespace date

namespace usms::offload {

/// A resolved IANA zone (from the OS tz database).
using zone_ptr = const date::time_zone*;

/// Resolves `name`; empty = the host's zone (UTC when the host has none).
result<zone_ptr> resolve_zone(const std::string& name);

/// The zone's name, e.g. "Europe/Berlin".
std::string zone_name(zone_ptr zone);

/// A calendar day in the offload zone.
struct local_day {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;

  friend bool operator==(const local_day& a, const local_day& b) {
    return a.year == b.year && a.month == b.month && a.day == b.day;
  }
};

/// One file window: its local day, start hour and length in hours.
struct file_window {
  local_day day;
  int start_hour = 0;
  int hours = 4;
};

/// The window that holds `t` in `zone` for windows of `hours` hours (a
/// divisor of 24).
file_window window_of(time_point t, zone_ptr zone, int hours);

/// "yyyy_MM_dd"
std::string day_folder_name(const local_day& d);

/// "Offload_HH_Nh.csv"
std::string file_name(const file_window& w);

/// "yyyy_MM_dd/Offload_HH_Nh.csv"
std::string relative_path(const file_window& w);

/// Parses a day folder name; nullopt for any other name.
std::optional<local_day> parse_day_folder(std::string_view name);

/// Parses an offload file name (the day comes from its folder); nullopt for
/// any other name.
std::optional<file_window> parse_file_name(std::string_view name,
                                           const local_day& day);

/// When the local wall-clock time `day` + `hour` hours happens in `zone`
/// (the later instant when a clock change makes it ambiguous).
time_point local_instant(const local_day& day, int hour, zone_ptr zone);

/// `unix_ms` as ISO 8601 in `zone` with milliseconds and offset:
/// "2024-03-31T03:00:00.000+02:00".
std::string iso8601(int64_t unix_ms, zone_ptr zone);

} // namespace usms::offload
