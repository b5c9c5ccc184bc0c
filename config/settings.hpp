#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

/// `alertmanager.priority`: `labels.severity` value → ticket priority 1..5,
/// as (severity, priority) pairs sorted by severity, each severity once (the
/// readers keep it so, so that equal tables compare equal). Severities match
/// exactly (case-sensitive); priority_of() looks one up.
using priority_table = std::vector<std::pair<std::string, int>>;

/// `[server]`: the HTTP API and operator pages.
struct server_settings {
  /// `HOST:PORT` to listen on (`[::1]:8080` for IPv6; port 0 = any free).
  std::string listen = "127.0.0.1:8080";
  /// Largest accepted request body in bytes; larger bodies get 413.
  std::size_t max_body = 1024 * 1024;
  /// PEM certificate (chain) of the API; with `tls_key` the API serves
  /// https only. Empty = plain http. Set both or neither.
  std::string tls_cert;
  /// PEM private key of `tls_cert`.
  std::string tls_key;
  /// PEM CA file; when set, clients must present a certificate it signed
  /// (mTLS). Needs `tls_cert` and `tls_key`.
  std::string tls_client_ca;
  /// Most open client connections at once.
  int max_connections = 10'000;
  /// Time a client has to send a whole request head (against slow clients).
  std::chrono::milliseconds header_timeout = std::chrono::seconds{10};
  /// How long a kept-alive connection may sit idle.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds{60};
};

/// `[storage]`: where the journal, status table and runtime values live.
/// Which of `db` and `url` is used: resolved_storage() in
/// config/storage_target.hpp.
struct storage_settings {
  /// SQLite file, used when `url` is unset or set by an earlier source.
  std::string db = "./usms-gateway.db";
  /// `sqlite:PATH` or a PostgreSQL URI (`postgresql://…`, `postgres://…`);
  /// empty = unset. May hold a password: shown only redacted.
  std::string url;
};

/// `[cluster]`: several gateway instances sharing one database.
struct cluster_settings {
  /// This instance's name among the others; the loader fills in host name
  /// + "-" + process id when it is empty.
  std::string instance_id;
  /// How long an instance owns a request without renewing its lease.
  std::chrono::milliseconds lease = std::chrono::seconds{15};
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
  /// Consecutive failure signals after which USMS counts as down.
  int breaker_failures = 5;
  /// Time between probes while USMS is down.
  std::chrono::milliseconds probe_interval = std::chrono::seconds{5};
  /// Time to grow back from a tenth of the limits to the full limits after
  /// an outage; 0 = at once.
  std::chrono::milliseconds recovery_ramp = std::chrono::seconds{30};
  /// Longest pause a Retry-After answer may impose.
  std::chrono::milliseconds max_retry_after = std::chrono::minutes{5};
  /// Contract file describing the SOAP wire; empty = the built-in contract
  /// of `api_version`. Wins over `api_version` when set.
  std::string contract;
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
  /// A request still unfinished this long after it was accepted (or last
  /// retried by an operator) fails; nullopt = `never`.
  std::optional<std::chrono::milliseconds> give_up_after
      = std::chrono::hours{24};
};

/// `[intake]`: admission of new requests.
struct intake_settings {
  /// Unfinished requests before intake answers 503.
  std::int64_t max_pending = 1'000'000;
};

/// `[alarms]`: alarm events and the lifecycle of their tickets.
struct alarms_settings {
  /// Repeats of an open alarm are coalesced into one update per interval.
  std::chrono::milliseconds update_interval = std::chrono::minutes{5};
  /// A clear resolves the alarm's ticket in USMS.
  bool auto_resolve = true;
  /// ResolutionCode of an incident resolved by a clear.
  std::string resolution_code = "AutoResolved";
  /// A firing this soon after its ticket was resolved reopens the ticket;
  /// later ones make a new ticket. 0 = never reopen.
  std::chrono::milliseconds reopen_window = std::chrono::hours{1};
  /// How often USMS is asked which alarm tickets people changed.
  std::chrono::milliseconds sync_interval = std::chrono::minutes{1};
  /// Resolved and closed alarms are forgotten after this long.
  std::chrono::milliseconds keep = std::chrono::hours{30 * 24};
  /// More state changes than this within `flap_window` = flapping.
  int flap_threshold = 5;
  std::chrono::milliseconds flap_window = std::chrono::minutes{10};
};

/// `[alertmanager]`: Alertmanager webhook payloads as alarm events. The
/// templates name only `{{ labels.X }}` and `{{ annotations.Y }}`
/// (config/alert_template.hpp parses them).
struct alertmanager_settings {
  /// `fingerprint` (one alarm per alert) or `group` (one per notification
  /// group).
  std::string key = "fingerprint";
  /// Ticket summary; renders empty → the alert name.
  std::string summary = "{{ annotations.summary }}";
  std::string description = "{{ annotations.description }}";
  std::string configuration_item = "{{ labels.instance }}";
  /// `labels.severity` → priority.
  priority_table priority{
      {"critical", 1}, {"error", 2}, {"info", 4}, {"major", 2}, {"warning", 3}};
  /// The priority of a severity the table does not name (or none).
  int default_priority = 3;
};

/// The priority of a ticket for an alert with this `labels.severity`: the
/// table's entry, or `default_priority` when it has none.
int priority_of(const alertmanager_settings& s, std::string_view severity);

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
  cluster_settings cluster;
  usms_settings usms;
  soap_settings soap;
  intake_settings intake;
  alarms_settings alarms;
  alertmanager_settings alertmanager;
  auth_settings auth;
  offload_settings offload;
  trend_settings trend;
  log_settings log;
  reply_settings reply;
};

} // namespace usms::config
