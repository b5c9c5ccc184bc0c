#include "config/keys.hpp"

#include "config/settings.hpp"
#include "config/validate.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace std::chrono_literals;
using namespace usms::config;

namespace {

usms::result<value> text(std::string_view dotted, std::string_view input) {
  const auto* key = find_key(dotted);
  REQUIRE(key != nullptr);
  return parse_text(*key, input);
}

} // namespace

TEST_CASE("defaults are the documented ones", "[config][keys]") {
  settings s;
  CHECK(s.server.listen == "127.0.0.1:8080");
  CHECK(s.server.max_body == 1024 * 1024);
  CHECK(s.storage.db == "./usms-gateway.db");
  CHECK(s.usms.url == "http://127.0.0.1:8081/usms");
  CHECK(s.usms.api_version == 2);
  CHECK(s.usms.proxy.empty());
  CHECK_FALSE(s.usms.bypass_proxy);
  CHECK(s.usms.ca_file.empty());
  CHECK(s.usms.client_cert.empty());
  CHECK(s.usms.client_key.empty());
  CHECK(s.usms.connect_timeout == 5s);
  CHECK(s.usms.request_timeout == 30s);
  CHECK(s.usms.max_in_flight == 32);
  CHECK(s.usms.max_rate == 0.0);
  CHECK(s.soap.username.empty());
  CHECK(s.soap.password.empty());
  CHECK(s.soap.retries == 3);
  CHECK(s.soap.query_limit == 100);
  CHECK(s.soap.backoff_base == 500ms);
  CHECK(s.soap.backoff_max == 30s);
  CHECK(s.intake.max_pending == 1000000);
  CHECK(s.auth.tokens.empty());
  CHECK_FALSE(s.auth.protect_metrics);
  CHECK(s.offload.path == "./offload");
  CHECK(s.offload.max_entries == 10000);
  CHECK(s.offload.amount == 5000);
  CHECK(s.offload.check_interval == 1min);
  CHECK(s.offload.file_timespan == 4h);
  REQUIRE(s.offload.retention.has_value());
  CHECK(*s.offload.retention == 30 * 24h);
  CHECK(s.offload.timezone.empty());
  CHECK(s.offload.csv_formula_guard);
  CHECK(s.trend.interval == 1min);
  CHECK(s.trend.keep == 30 * 24h);
  CHECK(s.log.level == "info");
  CHECK(s.log.format == "text");
  CHECK(s.reply.retries == 5);
  CHECK_FALSE(validate(s).has_value());
}

TEST_CASE("defaults of the outage, alarm, exposure and cluster keys",
          "[config][keys]") {
  settings s;
  CHECK(s.usms.breaker_failures == 5);
  CHECK(s.usms.probe_interval == 5s);
  CHECK(s.usms.recovery_ramp == 30s);
  CHECK(s.usms.max_retry_after == 5min);
  CHECK(s.usms.contract.empty());
  REQUIRE(s.soap.give_up_after.has_value());
  CHECK(*s.soap.give_up_after == 24h);
  CHECK(s.alarms.update_interval == 5min);
  CHECK(s.alarms.auto_resolve);
  CHECK(s.alarms.resolution_code == "AutoResolved");
  CHECK(s.alarms.reopen_window == 1h);
  CHECK(s.alarms.sync_interval == 1min);
  CHECK(s.alarms.keep == 30 * 24h);
  CHECK(s.alarms.flap_threshold == 5);
  CHECK(s.alarms.flap_window == 10min);
  CHECK(s.alertmanager.key == "fingerprint");
  CHECK(s.alertmanager.summary == "{{ annotations.summary }}");
  CHECK(s.alertmanager.description == "{{ annotations.description }}");
  CHECK(s.alertmanager.configuration_item == "{{ labels.instance }}");
  CHECK(s.alertmanager.priority
        == priority_table{{"critical", 1},
                          {"error", 2},
                          {"info", 4},
                          {"major", 2},
                          {"warning", 3}});
  CHECK(s.alertmanager.default_priority == 3);
  CHECK(s.server.tls_cert.empty());
  CHECK(s.server.tls_key.empty());
  CHECK(s.server.tls_client_ca.empty());
  CHECK(s.server.max_connections == 10000);
  CHECK(s.server.header_timeout == 10s);
  CHECK(s.server.idle_timeout == 60s);
  CHECK(s.storage.url.empty());
  CHECK(s.cluster.instance_id.empty()); // filled in by the loader
  CHECK(s.cluster.lease == 15s);
}

TEST_CASE("the registry covers every key once with the right kind",
          "[config][keys]") {
  settings s;
  std::set<std::string> names;
  for (const auto& key : all_keys()) {
    INFO(key.dotted());
    CHECK(names.insert(key.dotted()).second);
    CHECK(find_key(key.dotted()) == &key);
    CHECK(find_key(key.section, key.name) == &key);
    // Each getter yields its kind, and the text form reads back unchanged.
    auto v = key.get(s);
    CHECK(check_value(key, v));
    if (key.kind != value_kind::secret && key.kind != value_kind::tokens) {
      auto back = parse_text(key, format_text(key, v));
      REQUIRE(back);
      CHECK(*back == v);
    }
    auto json = parse_json_text(key, to_json_text(key, v));
    REQUIRE(json);
    CHECK(*json == v);
  }
  CHECK(names.size() == 65);
  CHECK(all_sections()
        == std::vector<std::string_view>{
            "server", "storage", "cluster", "usms", "soap", "intake", "alarms",
            "alertmanager", "auth", "offload", "trend", "log", "reply"});
  CHECK(find_key("soap.retrys") == nullptr);
  CHECK(find_key("soap") == nullptr);
  CHECK(find_key("usms", "max_in_flight")->env_name()
        == "USMS_GW_USMS_MAX_IN_FLIGHT");
}

TEST_CASE("runtime-changeable and secret keys are as specified",
          "[config][keys]") {
  std::set<std::string> fixed;
  std::set<std::string> secret;
  for (const auto& key : all_keys()) {
    if (!key.runtime)
      fixed.insert(key.dotted());
    if (key.secret)
      secret.insert(key.dotted());
  }
  CHECK(fixed
        == std::set<std::string>{
            "server.listen", "server.max_body", "server.tls_cert",
            "server.tls_key", "server.tls_client_ca", "server.max_connections",
            "server.header_timeout", "server.idle_timeout", "storage.db",
            "storage.url", "cluster.instance_id", "cluster.lease",
            "usms.ca_file", "usms.client_cert", "usms.client_key",
            "usms.contract", "auth.tokens", "auth.protect_metrics",
            "log.format"});
  CHECK(secret == std::set<std::string>{"soap.password", "auth.tokens"});
}

TEST_CASE("setters write the member the key names", "[config][keys]") {
  settings s;
  find_key("usms.max_in_flight")->set(s, value{std::int64_t{64}});
  find_key("server.max_body")->set(s, value{std::int64_t{2048}});
  find_key("offload.retention")
      ->set(s, value{std::optional<std::chrono::milliseconds>{}});
  find_key("usms.max_rate")->set(s, value{2.5});
  CHECK(s.usms.max_in_flight == 64);
  CHECK(s.server.max_body == 2048);
  CHECK_FALSE(s.offload.retention.has_value());
  CHECK(s.usms.max_rate == 2.5);
}

TEST_CASE("per-key rules", "[config][keys]") {
  CHECK(text("usms.api_version", "1"));
  CHECK(text("usms.api_version", "2"));
  CHECK(text("usms.api_version", "3").error().message
        == "3 is out of range 1..2");
  CHECK_FALSE(text("soap.retries", "101"));
  CHECK_FALSE(text("soap.retries", "-1"));
  CHECK(text("soap.retries", "0"));
  CHECK_FALSE(text("soap.query_limit", "0"));
  CHECK_FALSE(text("soap.query_limit", "10001"));
  CHECK_FALSE(text("usms.max_in_flight", "0"));
  CHECK_FALSE(text("usms.max_in_flight", "100001"));
  CHECK(text("usms.max_rate", "2.5").value() == value{2.5});
  CHECK_FALSE(text("usms.max_rate", "-1"));
  CHECK_FALSE(text("usms.max_rate", "inf"));
  CHECK_FALSE(text("usms.connect_timeout", "0s"));
  CHECK_FALSE(text("usms.request_timeout", "0"));
  CHECK(text("soap.backoff_base", "0"));
  CHECK(text("soap.retries", "abc").error().message
        == "'abc' is not an integer");
  CHECK(text("soap.retries", "abc").error().code == "soap.retries");
  CHECK_FALSE(text("soap.retries", "3 "));
  CHECK_FALSE(text("intake.max_pending", "0"));
  CHECK_FALSE(text("server.max_body", "1000"));
  CHECK(text("server.max_body", "1KiB").value() == value{std::int64_t{1024}});
}

TEST_CASE("file_timespan must be whole hours dividing a day",
          "[config][keys]") {
  for (auto ok :
       {"1h", "2h", "3h", "4h", "6h", "8h", "12h", "24h", "1d", "120m"})
    CHECK(text("offload.file_timespan", ok));
  for (auto bad : {"5h", "7h", "90m", "48h", "0", "30m"}) {
    INFO(bad);
    CHECK_FALSE(text("offload.file_timespan", bad));
  }
}

TEST_CASE("retention is a duration or disabled", "[config][keys]") {
  using opt = std::optional<std::chrono::milliseconds>;
  CHECK(text("offload.retention", "disabled").value() == value{opt{}});
  CHECK(text("offload.retention", "7d").value() == value{opt{7 * 24h}});
  CHECK_FALSE(text("offload.retention", "0s"));
  CHECK_FALSE(text("offload.retention", "never"));
}

TEST_CASE("give_up_after is a duration or never, its own word",
          "[config][keys]") {
  using opt = std::optional<std::chrono::milliseconds>;
  const auto& key = *find_key("soap.give_up_after");
  CHECK(key.kind == value_kind::optional_duration);
  CHECK(key.none_word == "never");
  CHECK(find_key("offload.retention")->none_word == "disabled");
  CHECK(text("soap.give_up_after", "never").value() == value{opt{}});
  CHECK(text("soap.give_up_after", "NEVER").value() == value{opt{}});
  CHECK(text("soap.give_up_after", "2h").value() == value{opt{2h}});
  auto off = text("soap.give_up_after", "disabled");
  REQUIRE_FALSE(off);
  CHECK(off.error().message
        == "'disabled' is not a duration (write e.g. 500ms, 30s, 5m, 4h or "
           "7d) or 'never'");
  auto zero = text("soap.give_up_after", "0s");
  REQUIRE_FALSE(zero);
  CHECK(zero.error().message
        == "0s must be longer than 0 (write 'never' to turn it off)");
  // Each form writes the key's own word and reads it back.
  CHECK(format_text(key, value{opt{}}) == "never");
  CHECK(format_text(*find_key("offload.retention"), value{opt{}})
        == "disabled");
  CHECK(to_json_text(key, value{opt{}}) == "\"never\"");
  CHECK(to_json_text(key, value{opt{24h}}) == "\"1d\"");
  CHECK(parse_json_text(key, "\"never\"").value() == value{opt{}});
  CHECK(parse_json_text(key, "null").value() == value{opt{}});
  CHECK_FALSE(parse_json_text(key, "\"disabled\""));
  auto number = parse_json_text(key, "3600");
  REQUIRE_FALSE(number);
  CHECK(number.error().message
        == "expected a duration string such as \"30d\", \"never\" or null, "
           "got an integer");
  // Every optional duration has its word.
  for (const auto& k : all_keys())
    if (k.kind == value_kind::optional_duration) {
      INFO(k.dotted());
      CHECK_FALSE(k.none_word.empty());
    }
}

TEST_CASE("the outage and alarm keys' ranges", "[config][keys]") {
  CHECK(text("usms.breaker_failures", "1"));
  CHECK(text("usms.breaker_failures", "0").error().message
        == "0 is out of range 1..2147483647");
  CHECK_FALSE(text("usms.breaker_failures", "2147483648"));
  CHECK_FALSE(text("usms.probe_interval", "0s"));
  CHECK(text("usms.recovery_ramp", "0s"));
  CHECK_FALSE(text("usms.max_retry_after", "0"));
  CHECK(text("alarms.reopen_window", "0s").value()
        == value{std::chrono::milliseconds{0}});
  for (auto key : {"alarms.update_interval", "alarms.sync_interval",
                   "alarms.keep", "alarms.flap_window", "cluster.lease",
                   "server.header_timeout", "server.idle_timeout"}) {
    INFO(key);
    CHECK_FALSE(text(key, "0s"));
    CHECK(text(key, "1s"));
  }
  CHECK_FALSE(text("alarms.flap_threshold", "0"));
  CHECK(text("alarms.flap_threshold", "1"));
  CHECK_FALSE(text("server.max_connections", "0"));
  CHECK(text("alarms.auto_resolve", "off").value() == value{false});
  CHECK_FALSE(text("alarms.resolution_code", ""));
  CHECK(text("alertmanager.key", "group"));
  CHECK(text("alertmanager.key", "fingerprint"));
  CHECK(text("alertmanager.key", "alert").error().message
        == "'alert' is not fingerprint or group");
  for (auto bad : {"0", "6", "-1"}) {
    INFO(bad);
    CHECK_FALSE(text("alertmanager.default_priority", bad));
  }
  CHECK(text("usms.contract", "/etc/usms/contract.toml"));
}

TEST_CASE("timezone must be an IANA name", "[config][keys]") {
  CHECK(text("offload.timezone", ""));
  CHECK(text("offload.timezone", "Europe/Berlin"));
  CHECK(text("offload.timezone", "UTC"));
  auto mars = text("offload.timezone", "Mars/Olympus");
  REQUIRE_FALSE(mars);
  CHECK(mars.error().message.find("Mars/Olympus") != std::string::npos);
  CHECK_FALSE(text("offload.timezone", "../../etc/passwd"));
}

TEST_CASE("addresses and URLs", "[config][keys]") {
  CHECK(text("server.listen", "127.0.0.1:8080"));
  CHECK(text("server.listen", "0.0.0.0:0"));
  CHECK(text("server.listen", "[::1]:9000"));
  CHECK(text("server.listen", "localhost:65535"));
  for (auto bad :
       {"127.0.0.1", ":8080", "h:65536", "h:port", "::1:80", "[::1", "h:"}) {
    INFO(bad);
    CHECK_FALSE(text("server.listen", bad));
  }
  CHECK(text("usms.url", "https://usms.example:8443/soap"));
  CHECK(text("usms.url", "HTTP://10.0.0.1/usms"));
  CHECK(text("usms.url", "http://[::1]:8081/usms"));
  for (auto bad :
       {"ftp://x/usms", "usms.example/soap", "http://", "http://:80/",
        "http://h:0/", "http://h:99999/", "http://h x/"}) {
    INFO(bad);
    CHECK_FALSE(text("usms.url", bad));
  }
  CHECK(text("usms.proxy", ""));
  CHECK(text("usms.proxy", "http://proxy.example:3128/"));
  CHECK(text("usms.proxy", "proxy.example:3128"));
  CHECK_FALSE(text("usms.proxy", "socks5://proxy:1080"));
}

TEST_CASE("log level and format", "[config][keys]") {
  for (auto ok : {"trace", "debug", "info", "warn", "error", "critical", "off"})
    CHECK(text("log.level", ok));
  CHECK_FALSE(text("log.level", "verbose"));
  CHECK(text("log.format", "json"));
  CHECK_FALSE(text("log.format", "xml"));
}

TEST_CASE("tokens in the environment form", "[config][keys]") {
  auto v = text("auth.tokens", "tok1:admin, tok2:read,tok3:submit");
  REQUIRE(v);
  CHECK(std::get<std::vector<auth_token>>(*v)
        == std::vector<auth_token>{{"tok1", token_scope::admin},
                                   {"tok2", token_scope::read},
                                   {"tok3", token_scope::submit}});
  CHECK(std::get<std::vector<auth_token>>(text("auth.tokens", "").value())
            .empty());
  // Errors name the position, never the token.
  auto no_scope = text("auth.tokens", "ok:read,SECRETMARKER");
  REQUIRE_FALSE(no_scope);
  CHECK(no_scope.error().message.find("token #2") != std::string::npos);
  CHECK(no_scope.error().message.find("SECRETMARKER") == std::string::npos);
  auto bad_scope = text("auth.tokens", "SECRETMARKER:root");
  REQUIRE_FALSE(bad_scope);
  CHECK(bad_scope.error().message.find("SECRETMARKER") == std::string::npos);
  CHECK_FALSE(text("auth.tokens", ":admin"));
  CHECK_FALSE(text("auth.tokens", "a b:admin"));
  CHECK_FALSE(text("auth.tokens", "same:admin,same:read"));
  CHECK(format_text(*find_key("auth.tokens"), *v) == "3 token(s)");
  CHECK(format_text(*find_key("soap.password"), value{std::string{"x"}})
        == "(set)");
}

TEST_CASE("booleans", "[config][keys]") {
  for (auto yes : {"true", "TRUE", "1", "yes", "on"})
    CHECK(text("auth.protect_metrics", yes).value() == value{true});
  for (auto no : {"false", "0", "no", "Off"})
    CHECK(text("auth.protect_metrics", no).value() == value{false});
  CHECK_FALSE(text("auth.protect_metrics", "maybe"));
}

TEST_CASE("cross-field rules", "[config][keys]") {
  settings s;
  s.offload.max_entries = 100;
  s.offload.amount = 101;
  auto problem = check_consistency(s);
  REQUIRE(problem);
  CHECK(problem->code == "offload.amount");
  CHECK(problem->message
        == "offload.amount (101) must not exceed offload.max_entries (100)");
  s.offload.amount = 100;
  CHECK_FALSE(check_consistency(s));
  s.soap.backoff_base = 1min;
  CHECK(check_consistency(s)->code == "soap.backoff_base");
  s.soap.backoff_base = 1s;
  s.usms.client_key = "/etc/key.pem";
  CHECK(check_consistency(s)->code == "usms.client_key");
  s.usms.client_cert = "/etc/cert.pem";
  CHECK_FALSE(validate(s));
  s.soap.retries = 1000;
  CHECK(validate(s)->code == "soap.retries");
}

TEST_CASE("the API's TLS certificate and key come together", "[config][keys]") {
  settings s;
  s.server.tls_cert = "/etc/gw/cert.pem";
  auto alone = check_consistency(s);
  REQUIRE(alone);
  CHECK(alone->code == "server.tls_cert");
  CHECK(alone->message
        == "server.tls_cert (/etc/gw/cert.pem) is set but server.tls_key is "
           "empty: set both to serve https, or neither for http");
  s.server.tls_cert.clear();
  s.server.tls_key = "/etc/gw/key.pem";
  REQUIRE(check_consistency(s));
  CHECK(check_consistency(s)->code == "server.tls_key");
  s.server.tls_cert = "/etc/gw/cert.pem";
  CHECK_FALSE(check_consistency(s));
  s.server.tls_client_ca = "/etc/gw/ca.pem";
  CHECK_FALSE(check_consistency(s));
  s.server.tls_cert.clear();
  s.server.tls_key.clear();
  auto ca = check_consistency(s);
  REQUIRE(ca);
  CHECK(ca->code == "server.tls_client_ca");
  CHECK(ca->message.find("needs server.tls_cert and server.tls_key")
        != std::string::npos);
}
