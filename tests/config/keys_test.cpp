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
  CHECK(names.size() == 36);
  CHECK(all_sections()
        == std::vector<std::string_view>{"server", "storage", "usms", "soap",
                                         "intake", "auth", "offload", "trend",
                                         "log", "reply"});
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
            "server.listen", "server.max_body", "storage.db", "usms.ca_file",
            "usms.client_cert", "usms.client_key", "auth.tokens",
            "auth.protect_metrics", "log.format"});
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
