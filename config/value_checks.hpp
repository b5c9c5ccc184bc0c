#pragma once

// The rules a single value must follow (ranges, address and URL formats,
// log levels, tokens), shared by the config library's own sources: the key
// table in keys.cpp points each key at one of them, and check_value runs
// it. Other code uses check_value from keys.hpp.
//
// Each check receives a value of its key's kind and returns what is wrong
// with it, or an empty string when it is fine. Messages never name the key
// (callers add key and origin) and never quote a secret.

#include "config/keys.hpp"

#include <string>

namespace usms::config {

/// Whether `v` holds the alternative that `kind` is stored in.
bool kind_matches(value_kind kind, const value& v);

/// `HOST:PORT` or `[v6]:PORT`, port 0..65535 (0 = any free port).
std::string check_listen(const value& v);
/// An `http://` or `https://` URL with a host and an optional port.
std::string check_url(const value& v);
/// Empty, an http(s) URL, or `HOST:PORT` without a scheme.
std::string check_proxy(const value& v);
std::string check_not_empty(const value& v);
/// At least 1KiB.
std::string check_max_body(const value& v);
/// A finite number >= 0.
std::string check_rate(const value& v);
std::string check_positive_duration(const value& v);
std::string check_nonnegative_duration(const value& v);
/// Whole hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h, 24h).
std::string check_timespan(const value& v);
/// `disabled` or longer than 0.
std::string check_retention(const value& v);
/// `never` or longer than 0.
std::string check_give_up_after(const value& v);
/// Empty (the host's zone) or a zone the tz database knows.
std::string check_timezone(const value& v);
/// trace, debug, info, warn, error, critical or off.
std::string check_level(const value& v);
/// text or json.
std::string check_format(const value& v);
/// Tokens that are not empty, use only RFC 6750 characters and do not
/// repeat.
std::string check_tokens(const value& v);
/// Empty (unset), `sqlite:PATH` with a path, or a `postgresql://` or
/// `postgres://` URI without white space. Passwords are never quoted.
std::string check_storage_url(const value& v);
/// Empty (host name + process id) or a name check_instance_name accepts.
std::string check_instance_id(const value& v);
/// fingerprint or group.
std::string check_alertmanager_key(const value& v);
/// A template parse_template accepts (config/alert_template.hpp).
std::string check_template(const value& v);
/// Severity names of A-Z a-z 0-9 `_` `-` `.`, priorities 1..5.
std::string check_priority_table(const value& v);
/// What is wrong with one priority of the table (readers call it before a
/// number too large for an int is stored); empty when it is 1..5.
std::string check_priority(std::string_view severity, std::int64_t priority);
/// Adds an entry where it sorts; false (and no change) when the severity is
/// there already.
bool add_priority(priority_table& table, std::string severity, int priority);

/// An integer from `Lo` to `Hi`.
template <std::int64_t Lo, std::int64_t Hi>
std::string check_range(const value& v) {
  auto x = std::get<std::int64_t>(v);
  if (x < Lo || x > Hi)
    return std::to_string(x) + " is out of range " + std::to_string(Lo) + ".."
           + std::to_string(Hi);
  return {};
}

/// An integer of at least `Lo`.
template <std::int64_t Lo>
std::string check_at_least(const value& v) {
  auto x = std::get<std::int64_t>(v);
  if (x < Lo)
    return std::to_string(x) + " is less than " + std::to_string(Lo);
  return {};
}

} // namespace usms::config
