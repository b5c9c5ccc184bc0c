#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace usms::config {

/// What an API token may do: `read` (GET), `submit` (GET plus ticket
/// requests) or `admin` (everything). Ordered: a larger scope includes the
/// smaller ones.
enum class token_scope : std::uint8_t { read, submit, admin };

/// `read`, `submit`, `admin`.
std::string_view to_string(token_scope x);
std::optional<token_scope> parse_token_scope(std::string_view text);

/// One entry of `auth.tokens`.
struct auth_token {
  std::string token;
  token_scope scope = token_scope::read;

  friend bool operator==(const auth_token& a, const auth_token& b) {
    return a.token == b.token && a.scope == b.scope;
  }
  friend bool operator!=(const auth_token& a, const auth_token& b) {
    return !(a == b);
  }
};

/// `[server]`: the HTTP API and operator pages.
struct server_settings {
  /// `HOST:PORT` to listen on (`[::1]:8080` for IPv6; port 0 = any free).
  std::string listen = "127.0.0.1:8080";
  /// Largest accepted request body in bytes; larger bodies get 413.
  std::size_t max_body = 1024 * 1024;
};

/// `[storage]`: the SQLite database.
struct storage_settings {
  std::string db = "./usms-gateway.db";
};

/// `[usms]`: how the gateway reaches the USMS middleware.
struct usms_settings {
  /// SOAP endpoint, `http://` or `https://`.
  std::string url = "http://127.0.0.1:8081/usms";
  /// 1 or 2: which WSDL the middleware speaks.
  int api_version = 2;
  /// HTTP proxy URL; empty = none. The loader's default comes from the
  /// `http_proxy` (or `HTTP_PROXY`) environment variable.
  std::string proxy;
  /// Connect directly even when `proxy` is set.
  bool bypass_proxy = false;
  /// PEM file of trusted CAs; empty = the system trust store.
  std::string ca_file;
  /// PEM client certificate (and key, if `client_key` is empty); empty = none.
  std::string client_cert;
  /// PEM private key of the client certificate; empty = in `client_cert`.
  std::string client_key;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds{5};
  std::chrono::milliseconds request_timeout = std::chrono::seconds{30};
  /// Most SOAP calls at the same time.
  int max_in_flight = 32;
  /// Most SOAP calls per second; 0 = unlimited.
  double max_rate = 0.0;
};

/// `[soap]`: the calls themselves.
struct soap_settings {
  /// WS-Security UsernameToken user; empty = no security header.
  std::string username;
  /// UsernameToken password; empty = none. Write-only: never shown or logged.
  std::string password;
  /// Retries after the first attempt of a call that may be retried.
  int retries = 3;
  /// Most tickets one query returns.
  int query_limit = 100;
  /// First retry delay; doubled per attempt (gateway tuning key).
  std::chrono::milliseconds backoff_base = std::chrono::milliseconds{500};
  /// Longest retry delay (gateway tuning key).
  std::chrono::milliseconds backoff_max = std::chrono::seconds{30};
};

/// `[intake]`: admission of new requests.
struct intake_settings {
  /// Unfinished requests before intake answers 503.
  std::int64_t max_pending = 1'000'000;
};

/// `[auth]`: API access. No tokens = open.
struct auth_settings {
  std::vector<auth_token> tokens;
  /// Require tokens for /metrics, /healthz and /readyz too.
  bool protect_metrics = false;
};

/// `[offload]`: moving old status rows to CSV files (docs/offload.md).
struct offload_settings {
  std::string path = "./offload";
  std::int64_t max_entries = 10'000;
  std::int64_t amount = 5'000;
  std::chrono::milliseconds check_interval = std::chrono::minutes{1};
  /// Whole hours dividing 24h: 1, 2, 3, 4, 6, 8, 12 or 24 h.
  std::chrono::milliseconds file_timespan = std::chrono::hours{4};
  /// How long offload files are kept; nullopt = `disabled` (kept forever).
  std::optional<std::chrono::milliseconds> retention
      = std::chrono::hours{30 * 24};
  /// IANA zone name for file boundaries and names; empty = the host's zone.
  std::string timezone;
  /// Prefix cells starting with = + - @ so spreadsheets do not run them.
  bool csv_formula_guard = true;
};

/// `[trend]`: Number of Incidents samples.
struct trend_settings {
  std::chrono::milliseconds interval = std::chrono::minutes{1};
  std::chrono::milliseconds keep = std::chrono::hours{30 * 24};
};

/// `[log]`.
struct log_settings {
  /// trace, debug, info, warn, error, critical or off.
  std::string level = "info";
  /// text or json.
  std::string format = "text";
};

/// `[reply]`: webhook delivery of finished requests (gateway tuning key).
struct reply_settings {
  /// Retries after the first failed delivery of a reply.
  int retries = 5;
};

/// Every setting, the gateway's tuning keys included, with the built-in
/// defaults (config/usms-gateway.sample.toml describes each one; a test
/// keeps the two in step). See config/keys.hpp for the table that names,
/// parses, validates and prints each member.
struct settings {
  server_settings server;
  storage_settings storage;
  usms_settings usms;
  soap_settings soap;
  intake_settings intake;
  auth_settings auth;
  offload_settings offload;
  trend_settings trend;
  log_settings log;
  reply_settings reply;
};

} // namespace usms::config
