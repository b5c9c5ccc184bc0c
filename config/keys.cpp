// The key table: one entry per setting, the member of `settings` it stands
// for and the check its values pass; lookups by section and name.

#include "config/keys.hpp"

#include "config/value_checks.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <type_traits>

namespace usms::config {

namespace {

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

// --- the table ------------------------------------------------------------

// One entry: the member `settings::sec.field` read and written through the
// accessors above, so a new setting is one line here and one member.
// clang-format off
#define USMS_KEY(sec, field, kind, runtime, secret, check, help)               \
  key_info{#sec, #field, value_kind::kind, runtime, secret, help, check,       \
           &get_member<&settings::sec, &sec##_settings::field>,                \
           &set_member<&settings::sec, &sec##_settings::field>, {}}
// clang-format on

// An optional duration key with the word that turns it off.
key_info with_none_word(key_info key, std::string_view word) {
  key.none_word = word;
  return key;
}

constexpr bool rt = true;     // changeable at run time
constexpr bool fixed = false; // needs a restart
constexpr bool secret = true;
constexpr bool shown = false;
constexpr std::int64_t int_max = std::numeric_limits<int>::max();

std::vector<key_info> make_keys() {
  return {
      USMS_KEY(server, listen, string, fixed, shown, check_listen,
               "API and pages address, HOST:PORT ([::1]:8080 for IPv6)"),
      USMS_KEY(server, max_body, size, fixed, shown, check_max_body,
               "largest request body; larger bodies get 413"),
      USMS_KEY(server, tls_cert, string, fixed, shown, nullptr,
               "PEM certificate of the API; with tls_key: https only"),
      USMS_KEY(server, tls_key, string, fixed, shown, nullptr,
               "PEM private key of tls_cert"),
      USMS_KEY(server, tls_client_ca, string, fixed, shown, nullptr,
               "PEM CA that must have signed client certificates (mTLS)"),
      USMS_KEY(server, max_connections, integer, fixed, shown,
               (check_range<1, int_max>), "most open client connections"),
      USMS_KEY(server, header_timeout, duration, fixed, shown,
               check_positive_duration,
               "time a client has to send a whole request head"),
      USMS_KEY(server, idle_timeout, duration, fixed, shown,
               check_positive_duration,
               "how long a kept-alive connection may sit idle"),
      USMS_KEY(storage, db, string, fixed, shown, check_not_empty,
               "SQLite database file"),
      USMS_KEY(storage, url, string, fixed, shown, check_storage_url,
               "sqlite:PATH or postgresql://...; the later source of url and "
               "db wins"),
      USMS_KEY(cluster, instance_id, string, fixed, shown, check_instance_id,
               "this instance's name; empty = host name-process id"),
      USMS_KEY(cluster, lease, duration, fixed, shown, check_positive_duration,
               "how long an instance owns a request without renewing"),
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
      USMS_KEY(usms, breaker_failures, integer, rt, shown,
               (check_range<1, int_max>),
               "consecutive failure signals before USMS counts as down"),
      USMS_KEY(usms, probe_interval, duration, rt, shown,
               check_positive_duration, "probe period while USMS is down"),
      USMS_KEY(usms, recovery_ramp, duration, rt, shown,
               check_nonnegative_duration,
               "time to grow back to full limits after an outage; 0 = at once"),
      USMS_KEY(usms, max_retry_after, duration, rt, shown,
               check_positive_duration,
               "longest pause a Retry-After answer may impose"),
      USMS_KEY(usms, contract, string, fixed, shown, nullptr,
               "contract file for the SOAP wire; empty = built-in by "
               "api_version"),
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
      with_none_word(USMS_KEY(soap, give_up_after, optional_duration, rt, shown,
                              check_give_up_after,
                              "how long a request may stay unfinished before "
                              "it fails, or \"never\""),
                     "never"),
      USMS_KEY(intake, max_pending, integer, rt, shown, check_at_least<1>,
               "unfinished requests before intake answers 503"),
      USMS_KEY(alarms, update_interval, duration, rt, shown,
               check_positive_duration,
               "repeats of an open alarm make one update per interval"),
      USMS_KEY(alarms, auto_resolve, boolean, rt, shown, nullptr,
               "a clear resolves the alarm's ticket"),
      USMS_KEY(alarms, resolution_code, string, rt, shown, check_not_empty,
               "ResolutionCode of incidents resolved by a clear"),
      USMS_KEY(alarms, reopen_window, duration, rt, shown,
               check_nonnegative_duration,
               "a firing this soon after resolve reopens; 0s = never reopen"),
      USMS_KEY(alarms, sync_interval, duration, rt, shown,
               check_positive_duration,
               "how often USMS is asked what people did to alarm tickets"),
      USMS_KEY(alarms, keep, duration, rt, shown, check_positive_duration,
               "how long resolved and closed alarms are remembered"),
      USMS_KEY(alarms, flap_threshold, integer, rt, shown,
               (check_range<1, int_max>),
               "more state changes than this within flap_window = flapping"),
      USMS_KEY(alarms, flap_window, duration, rt, shown,
               check_positive_duration, "the window flapping is counted in"),
      USMS_KEY(alertmanager, key, string, rt, shown, check_alertmanager_key,
               "fingerprint (one alarm per alert) or group (per group)"),
      USMS_KEY(alertmanager, summary, template_text, rt, shown, check_template,
               "ticket summary template; renders empty = the alert name"),
      USMS_KEY(alertmanager, description, template_text, rt, shown,
               check_template, "ticket description template"),
      USMS_KEY(alertmanager, configuration_item, template_text, rt, shown,
               check_template, "ticket configuration item template"),
      USMS_KEY(alertmanager, priority, priority_table, rt, shown,
               check_priority_table,
               "labels.severity -> priority 1..5, e.g. critical=1,major=2"),
      USMS_KEY(alertmanager, default_priority, integer, rt, shown,
               (check_range<1, 5>), "priority of any other severity"),
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
      with_none_word(USMS_KEY(offload, retention, optional_duration, rt, shown,
                              check_retention,
                              "how long offload files are kept, or "
                              "\"disabled\""),
                     "disabled"),
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

} // namespace

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

} // namespace usms::config
