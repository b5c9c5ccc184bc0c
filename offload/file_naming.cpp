#include "offload/file_naming.hpp"

#include <date/tz.h>

#include <cstdio>
#include <exception>

namespace usms::offload {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s)
    v = v * 10 + (c - '0');
  return v;
}

date::local_days to_local_days(const local_day& d) {
  return date::local_days{date::year{d.year} / date::month{d.month}
                          / date::day{d.day}};
}

} // namespace

result<zone_ptr> resolve_zone(const std::string& name) {
  try {
    if (!name.empty())
      return date::locate_zone(name);
  } catch (const std::exception& e) {
    return failure{"unknown time zone " + name + ": " + e.what(),
                   "bad_timezone"};
  }
  try {
    return date::current_zone();
  } catch (const std::exception&) {
    // A container without /etc/localtime: UTC is what its clock shows.
  }
  try {
    return date::locate_zone("UTC");
  } catch (const std::exception& e) {
    return failure{std::string{"no time zone database: "} + e.what(),
                   "bad_timezone"};
  }
}

std::string zone_name(zone_ptr zone) {
  return zone ? std::string{zone->name()} : std::string{"UTC"};
}

file_window window_of(time_point t, zone_ptr zone, int hours) {
  auto local = zone->to_local(t);
  auto days = date::floor<date::days>(local);
  date::year_month_day ymd{days};
  auto hour = static_cast<int>(
    std::chrono::duration_cast<std::chrono::hours>(local - days).count());
  if (hours <= 0 || hours > 24)
    hours = 24;
  file_window w;
  w.day = local_day{static_cast<int>(ymd.year()),
                    static_cast<unsigned>(ymd.month()),
                    static_cast<unsigned>(ymd.day())};
  w.start_hour = hour - hour % hours;
  w.hours = hours;
  return w;
}

std::string day_folder_name(const local_day& d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d_%02u_%02u", d.year, d.month, d.day);
  return buf;
}

std::string file_name(const file_window& w) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "Offload_%02d_%dh.csv", w.start_hour,
                w.hours);
  return buf;
}

std::string relative_path(const file_window& w) {
  return day_folder_name(w.day) + "/" + file_name(w);
}

std::optional<local_day> parse_day_folder(std::string_view name) {
  // yyyy_MM_dd
  if (name.size() != 10 || name[4] != '_' || name[7] != '_')
    return std::nullopt;
  auto y = name.substr(0, 4);
  auto m = name.substr(5, 2);
  auto d = name.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d))
    return std::nullopt;
  local_day day{to_int(y), static_cast<unsigned>(to_int(m)),
                static_cast<unsigned>(to_int(d))};
  date::year_month_day ymd{date::year{day.year}, date::month{day.month},
                           date::day{day.day}};
  if (!ymd.ok())
    return std::nullopt;
  return day;
}

std::optional<file_window> parse_file_name(std::string_view name,
                                           const local_day& day) {
  // Offload_HH_Nh.csv, N without padding: 1..24 dividing 24
  constexpr std::string_view prefix = "Offload_";
  constexpr std::string_view suffix = "h.csv";
  if (name.size() < prefix.size() + 3 + suffix.size() + 1
      || name.substr(0, prefix.size()) != prefix
      || name.substr(name.size() - suffix.size()) != suffix)
    return std::nullopt;
  auto rest = name.substr(prefix.size(),
                          name.size() - prefix.size() - suffix.size());
  if (rest.size() < 4 || rest[2] != '_')
    return std::nullopt;
  auto hh = rest.substr(0, 2);
  auto n = rest.substr(3);
  if (!all_digits(hh) || !all_digits(n) || n.size() > 2 || n[0] == '0')
    return std::nullopt;
  file_window w;
  w.day = day;
  w.start_hour = to_int(hh);
  w.hours = to_int(n);
  if (w.hours < 1 || 24 % w.hours != 0 || w.start_hour > 23
      || w.start_hour % w.hours != 0)
    return std::nullopt;
  return w;
}

time_point local_instant(const local_day& day, int hour, zone_ptr zone) {
  auto local = to_local_days(day) + std::chrono::hours{hour};
  // Ambiguous (clocks go back): the later instant, so that a file is never
  // taken as older than it is. Nonexistent (clocks go forward): the moment
  // of the change.
  return std::chrono::time_point_cast<time_point::duration>(
    zone->to_sys(local, date::choose::latest));
}

std::string iso8601(int64_t unix_ms, zone_ptr zone) {
  using namespace std::chrono;
  auto sys = date::sys_time<milliseconds>{milliseconds{unix_ms}};
  auto info = zone->get_info(sys);
  auto local = date::local_time<milliseconds>{sys.time_since_epoch()
                                              + info.offset};
  auto days = date::floor<date::days>(local);
  date::year_month_day ymd{days};
  date::hh_mm_ss<milliseconds> tod{local - days};
  auto off = duration_cast<minutes>(info.offset).count();
  char sign = off < 0 ? '-' : '+';
  if (off < 0)
    off = -off;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d%c%02d:%02d",
                static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()), sign,
                static_cast<int>(off / 60), static_cast<int>(off % 60));
  return buf;
}

} // namespace usms::offload
