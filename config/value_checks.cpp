// The rules single values follow, and check_value that runs them.

#include "config/value_checks.hpp"

#include "common/ascii.hpp"
#include "config/alert_template.hpp"
#include "config/instance_id.hpp"
#include "config/storage_target.hpp"
#include "config/units.hpp"
#include "config/url_redaction.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>

namespace usms::config {

namespace {

using std::chrono::milliseconds;

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// Checks `host:port` or `[v6]:port` with a port from `min_port` to 65535;
// an empty string when fine.
std::string check_authority(std::string_view text, bool port_required,
                            int min_port) {
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return quoted_redacted(text) + " has an unclosed '['";
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return quoted_redacted(text)
               + " has text after ']' that is not ':PORT'";
      port = rest.substr(1);
      has_port = true;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
      if (host.find(':') != std::string_view::npos)
        return quoted_redacted(text)
               + ": write IPv6 addresses in brackets, e.g. [::1]:8080";
    } else {
      host = text;
    }
  }
  if (host.empty())
    return quoted_redacted(text) + " has no host";
  for (char c : host)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@')
      return quoted_redacted(text) + " is not a valid host";
  if (port_required && !has_port)
    return quoted_redacted(text) + " needs a port (HOST:PORT)";
  if (has_port) {
    if (!all_digits(port) || port.size() > 5
        || std::stoi(std::string{port}) > 65535
        || std::stoi(std::string{port}) < min_port)
      return quoted_redacted(text) + " has an invalid port ("
             + std::to_string(min_port) + "..65535)";
  }
  return {};
}

// Checks an http(s) URL: scheme, then an authority with an optional port.
std::string check_http_url(std::string_view text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return quoted_redacted(text) + " is not an http:// or https:// URL";
  auto scheme = text.substr(0, scheme_end);
  if (!usms::iequals(scheme, "http") && !usms::iequals(scheme, "https"))
    return quoted_redacted(text) + " is not an http:// or https:// URL";
  auto rest = text.substr(scheme_end + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  // Credentials in the URL (user:pass@host) are allowed; only the host part
  // is checked.
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (auto problem = check_authority(authority, false, 1); !problem.empty())
    return quoted_redacted(text) + " has no valid host[:port 1..65535]";
  for (char c : text)
    if (std::isspace(static_cast<unsigned char>(c)))
      return quoted_redacted(text) + " contains white space";
  return {};
}

// RFC 6750 b64token characters; keeps ',' and ':' free for the environment
// form `tok1:admin,tok2:read`.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'
         || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

} // namespace

bool kind_matches(value_kind kind, const value& v) {
  switch (kind) {
  case value_kind::string:
  case value_kind::template_text:
  case value_kind::secret:
    return std::holds_alternative<std::string>(v);
  case value_kind::integer:
  case value_kind::size:
    return std::holds_alternative<std::int64_t>(v);
  case value_kind::number:
    return std::holds_alternative<double>(v);
  case value_kind::boolean:
    return std::holds_alternative<bool>(v);
  case value_kind::duration:
    return std::holds_alternative<milliseconds>(v);
  case value_kind::optional_duration:
    return std::holds_alternative<std::optional<milliseconds>>(v);
  case value_kind::tokens:
    return std::holds_alternative<std::vector<auth_token>>(v);
  case value_kind::priority_table:
    return std::holds_alternative<priority_table>(v);
  }
  return false;
}

std::string_view to_string(value_kind x) {
  switch (x) {
  case value_kind::string:
    return "string";
  case value_kind::template_text:
    return "template";
  case value_kind::secret:
    return "secret";
  case value_kind::integer:
    return "integer";
  case value_kind::number:
    return "number";
  case value_kind::boolean:
    return "boolean";
  case value_kind::duration:
    return "duration";
  case value_kind::size:
    return "size";
  case value_kind::optional_duration:
    return "optional duration";
  case value_kind::tokens:
    return "token list";
  case value_kind::priority_table:
    return "priority table";
  }
  return "string";
}

std::string expected_form(const key_info& key) {
  switch (key.kind) {
  case value_kind::integer:
    return "an integer";
  case value_kind::optional_duration:
    return "a duration or '" + std::string{key.none_word} + "'";
  case value_kind::tokens:
    return "a token list";
  case value_kind::priority_table:
    return "a table of severity names to priorities 1..5";
  default:
    return "a " + std::string{to_string(key.kind)};
  }
}

usms::result<value> check_value(const key_info& key, value v) {
  if (!kind_matches(key.kind, v))
    return usms::failure{"expected " + expected_form(key), key.dotted()};
  if (key.check != nullptr)
    if (auto problem = key.check(v); !problem.empty())
      return usms::failure{std::move(problem), key.dotted()};
  return v;
}

std::string check_listen(const value& v) {
  return check_authority(std::get<std::string>(v), true, 0);
}

std::string check_url(const value& v) {
  return check_http_url(std::get<std::string>(v));
}

std::string check_proxy(const value& v) {
  const auto& text = std::get<std::string>(v);
  if (text.empty())
    return {};
  if (text.find("://") != std::string::npos)
    return check_http_url(text);
  // `proxy.example:3128` without a scheme, as http_proxy often holds.
  auto authority = std::string_view{text};
  if (!authority.empty() && authority.back() == '/')
    authority.remove_suffix(1);
  if (auto problem = check_authority(authority, true, 1); !problem.empty())
    return quoted_redacted(text) + " is not a proxy URL (http://HOST:PORT)";
  return {};
}

std::string check_not_empty(const value& v) {
  return std::get<std::string>(v).empty() ? "must not be empty" : "";
}

std::string check_max_body(const value& v) {
  auto x = std::get<std::int64_t>(v);
  if (x < 1024)
    return format_size(static_cast<std::uint64_t>(std::max<std::int64_t>(x, 0)))
           + " is less than 1KiB";
  return {};
}

std::string check_rate(const value& v) {
  auto x = std::get<double>(v);
  if (!std::isfinite(x) || x < 0)
    return "must be a number >= 0 (0 = unlimited)";
  return {};
}

std::string check_positive_duration(const value& v) {
  auto x = std::get<milliseconds>(v);
  if (x.count() <= 0)
    return format_duration(x) + " must be longer than 0";
  return {};
}

std::string check_nonnegative_duration(const value& v) {
  auto x = std::get<milliseconds>(v);
  if (x.count() < 0)
    return "must not be negative";
  return {};
}

std::string check_timespan(const value& v) {
  auto x = std::get<milliseconds>(v);
  constexpr std::int64_t hour = 3'600'000;
  auto ms = x.count();
  if (ms <= 0 || ms % hour != 0 || (24 * hour) % ms != 0)
    return format_duration(x)
           + " must be whole hours dividing a day: 1h, 2h, 3h, 4h, 6h, 8h, "
             "12h or 24h";
  return {};
}

std::string check_retention(const value& v) {
  const auto& x = std::get<std::optional<milliseconds>>(v);
  if (x && x->count() <= 0)
    return format_duration(*x)
           + " must be longer than 0 (write 'disabled' to keep files)";
  return {};
}

std::string check_give_up_after(const value& v) {
  const auto& x = std::get<std::optional<milliseconds>>(v);
  if (x && x->count() <= 0)
    return format_duration(*x)
           + " must be longer than 0 (write 'never' to turn it off)";
  return {};
}

std::string check_timezone(const value& v) {
  const auto& name = std::get<std::string>(v);
  if (name.empty())
    return {};
  try {
    date::locate_zone(name);
    return {};
  } catch (const std::exception&) {
    return quoted_redacted(name)
           + " is not a known IANA time zone (e.g. Europe/Berlin)";
  }
}

std::string check_level(const value& v) {
  const auto& x = std::get<std::string>(v);
  for (auto ok : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (x == ok)
      return {};
  return quoted_redacted(x)
         + " is not a log level (trace, debug, info, warn, error, critical, "
           "off)";
}

std::string check_format(const value& v) {
  const auto& x = std::get<std::string>(v);
  if (x == "text" || x == "json")
    return {};
  return quoted_redacted(x) + " is not a log format (text or json)";
}

std::string check_tokens(const value& v) {
  const auto& tokens = std::get<std::vector<auth_token>>(v);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    auto n = std::to_string(i + 1);
    const auto& t = tokens[i].token;
    if (t.empty())
      return "token #" + n + " is empty";
    if (!std::all_of(t.begin(), t.end(), is_token_char))
      return "token #" + n
             + " has characters outside A-Z a-z 0-9 - . _ ~ + / =";
    for (std::size_t j = 0; j < i; ++j)
      if (tokens[j].token == t)
        return "token #" + n + " repeats token #" + std::to_string(j + 1);
  }
  return {};
}

std::string check_storage_url(const value& v) {
  const auto& url = std::get<std::string>(v);
  if (url.empty())
    return {};
  auto target = storage_from_url(url);
  if (!target)
    return quoted_redacted(url)
           + " is neither sqlite:PATH nor a postgresql:// (or postgres://) "
             "URI";
  if (target->backend == storage_backend::sqlite && target->location.empty())
    return "sqlite: needs a file path (sqlite:PATH)";
  for (char c : url)
    if (std::isspace(static_cast<unsigned char>(c))
        || std::iscntrl(static_cast<unsigned char>(c)))
      return quoted_redacted(url)
             + " contains white space or control characters";
  return {};
}

std::string check_instance_id(const value& v) {
  const auto& name = std::get<std::string>(v);
  return name.empty() ? std::string{} : check_instance_name(name);
}

std::string check_alertmanager_key(const value& v) {
  const auto& x = std::get<std::string>(v);
  if (x == "fingerprint" || x == "group")
    return {};
  return quoted_redacted(x) + " is not fingerprint or group";
}

std::string check_template(const value& v) {
  auto parsed = parse_template(std::get<std::string>(v));
  return parsed ? std::string{} : parsed.error().message;
}

std::string check_priority_table(const value& v) {
  auto is_severity_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'
           || c == '.';
  };
  const auto& table = std::get<priority_table>(v);
  for (auto i = table.begin(); i != table.end(); ++i) {
    // Not a structured binding: clang (C++17) cannot capture one below.
    const auto& severity = i->first;
    const auto& priority = i->second;
    if (std::any_of(table.begin(), i,
                    [&](const auto& e) { return e.first == severity; }))
      return "severity " + quoted_redacted(severity) + " appears twice";
    if (severity.empty())
      return "a severity name is empty";
    if (!std::all_of(severity.begin(), severity.end(), is_severity_char))
      return "severity " + quoted_redacted(severity)
             + " has characters outside A-Z a-z 0-9 _ - .";
    if (auto problem = check_priority(severity, priority); !problem.empty())
      return problem;
  }
  return {};
}

std::string check_priority(std::string_view severity, std::int64_t priority) {
  if (priority < 1 || priority > 5)
    return "severity " + quoted_redacted(severity) + " has priority "
           + std::to_string(priority) + ", outside 1..5";
  return {};
}

bool add_priority(priority_table& table, std::string severity, int priority) {
  auto at = std::lower_bound(table.begin(), table.end(), severity,
                             [](const auto& entry, const std::string& name) {
                               return entry.first < name;
                             });
  if (at != table.end() && at->first == severity)
    return false;
  table.emplace(at, std::move(severity), priority);
  return true;
}

} // namespace usms::config
