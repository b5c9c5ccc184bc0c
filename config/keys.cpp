#include "config/keys.hpp"

#include "common/ascii.hpp"
#include "config/units.hpp"
#include "config/url_redaction.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <type_traits>

namespace usms::config {

namespace {

using std::chrono::milliseconds;

// Error messages quote what was given, minus any password in a URL.
std::string quoted(std::string_view text) {
  return "'" + redact_url_password(text) + "'";
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// --- accessors: one template pair serves every member ---------------------

template <class T>
value to_value(const T& x) {
  if constexpr (std::is_same_v<T, bool>)
    return x;
  else if constexpr (std::is_integral_v<T>)
    return static_cast<std::int64_t>(x);
  else
    return value{x};
}

template <class T>
void from_value(const value& v, T& out) {
  if constexpr (std::is_same_v<T, bool>)
    out = std::get<bool>(v);
  else if constexpr (std::is_integral_v<T>)
    out = static_cast<T>(std::get<std::int64_t>(v));
  else
    out = std::get<T>(v);
}

template <auto Section, auto Field>
value get_member(const settings& s) {
  return to_value((s.*Section).*Field);
}

template <auto Section, auto Field>
void set_member(settings& s, const value& v) {
  from_value(v, (s.*Section).*Field);
}

// --- checks ---------------------------------------------------------------

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
      return quoted(text) + " has an unclosed '['";
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return quoted(text) + " has text after ']' that is not ':PORT'";
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
        return quoted(text)
               + ": write IPv6 addresses in brackets, e.g. [::1]:8080";
    } else {
      host = text;
    }
  }
  if (host.empty())
    return quoted(text) + " has no host";
  for (char c : host)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '@')
      return quoted(text) + " is not a valid host";
  if (port_required && !has_port)
    return quoted(text) + " needs a port (HOST:PORT)";
  if (has_port) {
    if (!all_digits(port) || port.size() > 5
        || std::stoi(std::string{port}) > 65535
        || std::stoi(std::string{port}) < min_port)
      return quoted(text) + " has an invalid port (" + std::to_string(min_port)
             + "..65535)";
  }
  return {};
}

// Checks an http(s) URL: scheme, then an authority with an optional port.
std::string check_http_url(std::string_view text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return quoted(text) + " is not an http:// or https:// URL";
  auto scheme = text.substr(0, scheme_end);
  if (!usms::iequals(scheme, "http") && !usms::iequals(scheme, "https"))
    return quoted(text) + " is not an http:// or https:// URL";
  auto rest = text.substr(scheme_end + 3);
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  // Credentials in the URL (user:pass@host) are allowed; only the host part
  // is checked.
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (auto problem = check_authority(authority, false, 1); !problem.empty())
    return quoted(text) + " has no valid host[:port 1..65535]";
  for (char c : text)
    if (std::isspace(static_cast<unsigned char>(c)))
      return quoted(text) + " contains white space";
  return {};
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
    return quoted(text) + " is not a proxy URL (http://HOST:PORT)";
  return {};
}

std::string check_not_empty(const value& v) {
  return std::get<std::string>(v).empty() ? "must not be empty" : "";
}

template <std::int64_t Lo, std::int64_t Hi>
std::string check_range(const value& v) {
  auto x = std::get<std::int64_t>(v);
  if (x < Lo || x > Hi)
    return std::to_string(x) + " is out of range " + std::to_string(Lo) + ".."
           + std::to_string(Hi);
  return {};
}

template <std::int64_t Lo>
std::string check_at_least(const value& v) {
  auto x = std::get<std::int64_t>(v);
  if (x < Lo)
    return std::to_string(x) + " is less than " + std::to_string(Lo);
  return {};
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

std::string check_timezone(const value& v) {
  const auto& name = std::get<std::string>(v);
  if (name.empty())
    return {};
  try {
    date::locate_zone(name);
    return {};
  } catch (const std::exception&) {
    return quoted(name) + " is not a known IANA time zone (e.g. Europe/Berlin)";
  }
}

std::string check_level(const value& v) {
  const auto& x = std::get<std::string>(v);
  for (auto ok : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    if (x == ok)
      return {};
  return quoted(x)
         + " is not a log level (trace, debug, info, warn, error, critical, "
           "off)";
}

std::string check_format(const value& v) {
  const auto& x = std::get<std::string>(v);
  if (x == "text" || x == "json")
    return {};
  return quoted(x) + " is not a log format (text or json)";
}

// RFC 6750 b64token characters; keeps ',' and ':' free for the environment
// form `tok1:admin,tok2:read`.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'
         || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
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

// --- the table ------------------------------------------------------------

#define USMS_KEY(sec, field, kind, runtime, secret, check, help)               \
  key_info {                                                                   \
#sec, #field, value_kind::kind, runtime, secret, help, check,              \
        &get_member < &settings::sec, &sec##_settings::field>,                 \
        &set_member < &settings::sec, &sec##_settings::field>                  \
  }

constexpr bool rt = true;     // changeable at run time
constexpr bool fixed = false; // needs a restart
constexpr bool secret = true;
constexpr bool shown = false;

std::vector<key_info> make_keys() {
  return {
      USMS_KEY(server, listen, string, fixed, shown, check_listen,
               "API and pages address, HOST:PORT ([::1]:8080 for IPv6)"),
      USMS_KEY(server, max_body, size, fixed, shown, check_max_body,
               "largest request body; larger bodies get 413"),
      USMS_KEY(storage, db, string, fixed, shown, check_not_empty,
               "SQLite database file"),
      USMS_KEY(usms, url, string, rt, shown, check_url,
               "USMS SOAP endpoint, http:// or https://"),
      USMS_KEY(usms, api_version, integer, rt, shown, (check_range<1, 2>),
               "USMS API version, 1 or 2"),
      USMS_KEY(
          usms, proxy, string, rt, shown, check_proxy,
          "HTTP proxy URL; empty = none (default: the http_proxy variable)"),
      USMS_KEY(usms, bypass_proxy, boolean, rt, shown, nullptr,
               "connect directly even when a proxy is set"),
      USMS_KEY(usms, ca_file, string, fixed, shown, nullptr,
               "PEM file of trusted CAs; empty = system trust store"),
      USMS_KEY(usms, client_cert, string, fixed, shown, nullptr,
               "PEM client certificate for TLS; empty = none"),
      USMS_KEY(usms, client_key, string, fixed, shown, nullptr,
               "PEM key of the client certificate; empty = in client_cert"),
      USMS_KEY(usms, connect_timeout, duration, rt, shown,
               check_positive_duration, "time allowed to connect, per call"),
      USMS_KEY(usms, request_timeout, duration, rt, shown,
               check_positive_duration, "time allowed for a whole call"),
      USMS_KEY(usms, max_in_flight, integer, rt, shown,
               (check_range<1, 100'000>), "most SOAP calls at the same time"),
      USMS_KEY(usms, max_rate, number, rt, shown, check_rate,
               "most SOAP calls per second; 0 = unlimited"),
      USMS_KEY(soap, username, string, rt, shown, nullptr,
               "WS-Security UsernameToken user; empty = no security header"),
      USMS_KEY(soap, password, secret, rt, secret, nullptr,
               "UsernameToken password; optional, never shown or logged"),
      USMS_KEY(soap, retries, integer, rt, shown, (check_range<0, 100>),
               "retries after the first attempt"),
      USMS_KEY(soap, query_limit, integer, rt, shown, (check_range<1, 10'000>),
               "most tickets per query"),
      USMS_KEY(soap, backoff_base, duration, rt, shown,
               check_nonnegative_duration,
               "first retry delay, doubled per retry (gateway tuning)"),
      USMS_KEY(soap, backoff_max, duration, rt, shown,
               check_nonnegative_duration,
               "longest retry delay (gateway tuning)"),
      USMS_KEY(intake, max_pending, integer, rt, shown, check_at_least<1>,
               "unfinished requests before intake answers 503"),
      USMS_KEY(auth, tokens, tokens, fixed, secret, check_tokens,
               "API tokens {token, scope = read|submit|admin}; none = open"),
      USMS_KEY(auth, protect_metrics, boolean, fixed, shown, nullptr,
               "require tokens for /metrics, /healthz and /readyz too"),
      USMS_KEY(offload, path, string, rt, shown, check_not_empty,
               "folder for offload CSV files"),
      USMS_KEY(offload, max_entries, integer, rt, shown, check_at_least<1>,
               "status rows that start an offload"),
      USMS_KEY(offload, amount, integer, rt, shown, check_at_least<1>,
               "oldest status rows moved per offload (<= max_entries)"),
      USMS_KEY(offload, check_interval, duration, rt, shown,
               check_positive_duration, "how often the row count is checked"),
      USMS_KEY(offload, file_timespan, duration, rt, shown, check_timespan,
               "hours one CSV file covers: 1h 2h 3h 4h 6h 8h 12h or 24h"),
      USMS_KEY(offload, retention, optional_duration, rt, shown,
               check_retention,
               "how long offload files are kept, or \"disabled\""),
      USMS_KEY(offload, timezone, string, rt, shown, check_timezone,
               "IANA zone for file boundaries and names; empty = host zone"),
      USMS_KEY(
          offload, csv_formula_guard, boolean, rt, shown, nullptr,
          "prefix cells starting with = + - @ against spreadsheet formulas"),
      USMS_KEY(trend, interval, duration, rt, shown, check_positive_duration,
               "how often the Number of Incidents is sampled"),
      USMS_KEY(trend, keep, duration, rt, shown, check_positive_duration,
               "how long samples are kept"),
      USMS_KEY(log, level, string, rt, shown, check_level,
               "trace, debug, info, warn, error, critical or off"),
      USMS_KEY(log, format, string, fixed, shown, check_format,
               "text or json (one JSON object per line)"),
      USMS_KEY(
          reply, retries, integer, rt, shown, (check_range<0, 100>),
          "webhook delivery retries after the first attempt (gateway tuning)"),
  };
}

#undef USMS_KEY

bool kind_matches(value_kind kind, const value& v) {
  switch (kind) {
  case value_kind::string:
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
  }
  return false;
}

// --- text readers -----------------------------------------------------------

usms::result<value> parse_integer(std::string_view text) {
  std::int64_t x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return usms::failure{quoted(text) + " is not an integer", "malformed"};
  return value{x};
}

usms::result<value> parse_number(std::string_view text) {
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
      || !std::isfinite(x))
    return usms::failure{quoted(text) + " is not a number", "malformed"};
  return value{x};
}

usms::result<value> parse_boolean(std::string_view text) {
  for (auto yes : {"true", "1", "yes", "on"})
    if (usms::iequals(text, yes))
      return value{true};
  for (auto no : {"false", "0", "no", "off"})
    if (usms::iequals(text, no))
      return value{false};
  return usms::failure{quoted(text) + " is not true or false", "malformed"};
}

usms::result<value> parse_tokens(std::string_view text) {
  std::vector<auth_token> out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
      s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
      s.remove_suffix(1);
    return s;
  };
  if (trim(text).empty())
    return value{out};
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    auto item = trim(text.substr(pos, comma == std::string_view::npos
                                          ? std::string_view::npos
                                          : comma - pos));
    auto n = std::to_string(out.size() + 1);
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos)
      return usms::failure{
          "token #" + n
              + " has no scope (write TOKEN:read, TOKEN:submit "
                "or TOKEN:admin, separated by commas)",
          "malformed"};
    auto scope = parse_token_scope(trim(item.substr(colon + 1)));
    if (!scope)
      return usms::failure{
          "token #" + n + " has a scope that is not read, submit or admin",
          "malformed"};
    out.push_back(auth_token{std::string{trim(item.substr(0, colon))}, *scope});
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  return value{std::move(out)};
}

usms::result<value> parse_raw(const key_info& key, std::string_view text) {
  switch (key.kind) {
  case value_kind::string:
  case value_kind::secret:
    return value{std::string{text}};
  case value_kind::integer:
    return parse_integer(text);
  case value_kind::number:
    return parse_number(text);
  case value_kind::boolean:
    return parse_boolean(text);
  case value_kind::duration: {
    auto d = parse_duration(text);
    if (!d)
      return d.error();
    return value{*d};
  }
  case value_kind::size: {
    auto s = parse_size(text);
    if (!s)
      return s.error();
    if (*s
        > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return usms::failure{quoted(text) + " is too large", "malformed"};
    return value{static_cast<std::int64_t>(*s)};
  }
  case value_kind::optional_duration: {
    if (usms::iequals(text, "disabled"))
      return value{std::optional<milliseconds>{}};
    auto d = parse_duration(text);
    if (!d)
      return usms::failure{d.error().message + " or 'disabled'", "malformed"};
    return value{std::optional<milliseconds>{*d}};
  }
  case value_kind::tokens:
    return parse_tokens(text);
  }
  return usms::failure{"unknown kind", "malformed"};
}

} // namespace

std::string_view to_string(value_kind x) {
  switch (x) {
  case value_kind::string:
    return "string";
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
    return "duration or 'disabled'";
  case value_kind::tokens:
    return "token list";
  }
  return "string";
}

std::string key_info::dotted() const {
  std::string out;
  out.reserve(section.size() + 1 + name.size());
  out += section;
  out += '.';
  out += name;
  return out;
}

std::string key_info::env_name() const {
  std::string out = "USMS_GW_";
  for (char c : section)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out += '_';
  for (char c : name)
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

const std::vector<key_info>& all_keys() {
  static const std::vector<key_info> keys = make_keys();
  return keys;
}

const std::vector<std::string_view>& all_sections() {
  static const std::vector<std::string_view> sections = [] {
    std::vector<std::string_view> out;
    for (const auto& k : all_keys())
      if (std::find(out.begin(), out.end(), k.section) == out.end())
        out.push_back(k.section);
    return out;
  }();
  return sections;
}

const key_info* find_key(std::string_view section, std::string_view name) {
  for (const auto& k : all_keys())
    if (k.section == section && k.name == name)
      return &k;
  return nullptr;
}

const key_info* find_key(std::string_view dotted) {
  auto dot = dotted.find('.');
  if (dot == std::string_view::npos)
    return nullptr;
  return find_key(dotted.substr(0, dot), dotted.substr(dot + 1));
}

bool is_section(std::string_view section) {
  const auto& all = all_sections();
  return std::find(all.begin(), all.end(), section) != all.end();
}

usms::result<value> check_value(const key_info& key, value v) {
  if (!kind_matches(key.kind, v))
    return usms::failure{"expected a " + std::string{to_string(key.kind)},
                         key.dotted()};
  if (key.check != nullptr)
    if (auto problem = key.check(v); !problem.empty())
      return usms::failure{std::move(problem), key.dotted()};
  return v;
}

usms::result<value> parse_text(const key_info& key, std::string_view text) {
  auto raw = parse_raw(key, text);
  if (!raw)
    return usms::failure{raw.error().message, key.dotted()};
  return check_value(key, std::move(*raw));
}

std::string format_text(const key_info& key, const value& v) {
  if (!kind_matches(key.kind, v))
    return "?";
  switch (key.kind) {
  case value_kind::string:
    return redact_url_password(std::get<std::string>(v));
  case value_kind::secret:
    return std::get<std::string>(v).empty() ? "(not set)" : "(set)";
  case value_kind::integer:
    return std::to_string(std::get<std::int64_t>(v));
  case value_kind::number: {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::get<double>(v));
    return ec == std::errc{} ? std::string(buf, end) : "?";
  }
  case value_kind::boolean:
    return std::get<bool>(v) ? "true" : "false";
  case value_kind::duration:
    return format_duration(std::get<milliseconds>(v));
  case value_kind::size:
    return format_size(static_cast<std::uint64_t>(
        std::max<std::int64_t>(std::get<std::int64_t>(v), 0)));
  case value_kind::optional_duration: {
    const auto& d = std::get<std::optional<milliseconds>>(v);
    return d ? format_duration(*d) : "disabled";
  }
  case value_kind::tokens:
    return std::to_string(std::get<std::vector<auth_token>>(v).size())
           + " token(s)";
  }
  return "?";
}

} // namespace usms::config
