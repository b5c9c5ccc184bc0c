#include "config/loader.hpp"

#include "config/instance_id.hpp"
#include "config/runtime_patch.hpp"
#include "contains.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>
#include <unistd.h>

using namespace std::chrono_literals;
using namespace usms::config;
using usms::config::test::contains;
using usms::config::test::temp_file;

namespace {

using string_map = std::map<std::string, std::string>;

usms::result<loaded> load_file(const std::string& toml, string_map env = {}) {
  temp_file file{toml};
  return load_settings(file.path(), env, {}, {});
}

} // namespace

TEST_CASE("without sources every key has its default", "[config][loader]") {
  auto x = load_settings("", {}, {}, {});
  REQUIRE(x);
  CHECK(x->values.soap.retries == 3);
  CHECK(x->sources.size() == 65);
  for (const auto& [key, source] : x->sources) {
    INFO(key);
    CHECK(source == value_source::default_value);
  }
}

TEST_CASE("the proxy defaults to http_proxy, then HTTP_PROXY",
          "[config][loader]") {
  auto upper = load_settings("", {{"HTTP_PROXY", "http://upper:3128"}}, {}, {});
  REQUIRE(upper);
  CHECK(upper->values.usms.proxy == "http://upper:3128");
  CHECK(upper->sources.at("usms.proxy") == value_source::default_value);
  auto both = load_settings("",
                            {{"HTTP_PROXY", "http://upper:3128"},
                             {"http_proxy", "http://lower:3128"}},
                            {}, {});
  REQUIRE(both);
  CHECK(both->values.usms.proxy == "http://lower:3128");
  // An unusable proxy variable is reported, unless a setting replaces it.
  auto bad = load_settings("", {{"http_proxy", "socks5://p:1080"}}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(contains(bad.error().message, "usms.proxy from http_proxy"));
  auto replaced = load_settings(
      "", {{"http_proxy", "socks5://p:1080"}, {"USMS_GW_USMS_PROXY", ""}}, {},
      {});
  REQUIRE(replaced);
  CHECK(replaced->values.usms.proxy.empty());
  CHECK(replaced->sources.at("usms.proxy") == value_source::env);
}

TEST_CASE("later sources win: file < env < flag < runtime",
          "[config][loader]") {
  temp_file file{R"(
[soap]
retries = 4
query_limit = 50
[usms]
max_in_flight = 10
connect_timeout = "2s"
[log]
level = "debug"
)"};
  string_map env{{"USMS_GW_SOAP_RETRIES", "5"},
                 {"USMS_GW_SOAP_QUERY_LIMIT", "60"},
                 {"USMS_GW_USMS_MAX_IN_FLIGHT", "64"},
                 {"PATH", "/usr/bin"}};
  string_map flags{{"soap.retries", "6"}, {"server.listen", "0.0.0.0:9000"}};
  string_map runtime{{"soap.retries", "7"}};
  auto x = load_settings(file.path(), env, flags, runtime);
  REQUIRE(x);
  const auto& v = x->values;
  CHECK(v.soap.retries == 7);
  CHECK(v.soap.query_limit == 60);
  CHECK(v.usms.max_in_flight == 64);
  CHECK(v.usms.connect_timeout == 2s);
  CHECK(v.log.level == "debug");
  CHECK(v.server.listen == "0.0.0.0:9000");
  CHECK(v.trend.keep == 30 * 24h);
  const auto& s = x->sources;
  CHECK(s.at("soap.retries") == value_source::runtime);
  CHECK(s.at("soap.query_limit") == value_source::env);
  CHECK(s.at("usms.max_in_flight") == value_source::env);
  CHECK(s.at("usms.connect_timeout") == value_source::file);
  CHECK(s.at("log.level") == value_source::file);
  CHECK(s.at("server.listen") == value_source::flag);
  CHECK(s.at("trend.keep") == value_source::default_value);
  CHECK(to_string(value_source::default_value) == "default");
  CHECK(to_string(value_source::runtime) == "runtime");
}

TEST_CASE("TOML: unknown keys and sections are named with their line",
          "[config][loader]") {
  auto key = load_file("[soap]\nretries = 4\nretrys = 5\n");
  REQUIRE_FALSE(key);
  CHECK(key.error().code == "soap.retrys");
  CHECK(contains(key.error().message, "line 3: soap.retrys is not a setting"));
  auto section = load_file("[soap]\nretries = 4\n\n[sop]\nretries = 5\n");
  REQUIRE_FALSE(section);
  CHECK(contains(section.error().message,
                 "line 4: [sop] is not a config section"));
  auto top = load_file("retries = 4\n");
  REQUIRE_FALSE(top);
  CHECK(contains(top.error().message, "line 1"));
  auto nested = load_file("[soap.extra]\nx = 1\n");
  REQUIRE_FALSE(nested);
  CHECK(contains(nested.error().message, "soap.extra is not a setting"));
}

TEST_CASE("TOML: wrong types and bad values name the key and line",
          "[config][loader]") {
  auto type = load_file("[log]\nlevel = \"info\"\n[soap]\nretries = \"abc\"\n");
  REQUIRE_FALSE(type);
  CHECK(type.error().code == "soap.retries");
  CHECK(type.error().message.rfind("soap.retries from /", 0) == 0);
  CHECK(contains(type.error().message,
                 ".toml line 4: expected an integer, got a string"));
  auto duration = load_file("[usms]\nconnect_timeout = 5\n");
  REQUIRE_FALSE(duration);
  CHECK(contains(duration.error().message, "usms.connect_timeout from "));
  CHECK(contains(duration.error().message, "expected a duration string"));
  auto unit = load_file("[usms]\nrequest_timeout = \"30\"\n");
  REQUIRE_FALSE(unit);
  CHECK(contains(unit.error().message, "'30' needs a unit"));
  auto syntax = load_file("[soap]\nretries = = 3\n");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().code == "config_file");
  CHECK(contains(syntax.error().message, "line 2"));
  auto missing = load_settings("/nonexistent/usms.toml", {}, {}, {});
  REQUIRE_FALSE(missing);
  CHECK(contains(missing.error().message, "/nonexistent/usms.toml"));
}

TEST_CASE("TOML: every kind reads", "[config][loader]") {
  auto x = load_file(R"(
[server]
max_body = 2097152
[usms]
max_rate = 2
bypass_proxy = true
[offload]
retention = "disabled"
timezone = "Europe/Berlin"
file_timespan = "6h"
[soap]
password = "pw"
backoff_base = 0
[auth]
tokens = [ { token = "a1", scope = "admin" }, { token = "r1", scope = "read" } ]
)");
  REQUIRE(x);
  const auto& v = x->values;
  CHECK(v.server.max_body == 2 * 1024 * 1024);
  CHECK(v.usms.max_rate == 2.0);
  CHECK(v.usms.bypass_proxy);
  CHECK_FALSE(v.offload.retention.has_value());
  CHECK(x->sources.at("offload.retention") == value_source::file);
  CHECK(v.offload.timezone == "Europe/Berlin");
  CHECK(v.offload.file_timespan == 6h);
  CHECK(v.soap.password == "pw");
  CHECK(v.soap.backoff_base == 0ms);
  CHECK(v.auth.tokens
        == std::vector<auth_token>{{"a1", token_scope::admin},
                                   {"r1", token_scope::read}});
  auto bad_token = load_file("[auth]\ntokens = [ { token = \"TOKMARK\", "
                             "scope = \"root\" } ]\n");
  REQUIRE_FALSE(bad_token);
  CHECK(bad_token.error().code == "auth.tokens");
  CHECK_FALSE(contains(bad_token.error().message, "TOKMARK"));
  auto extra = load_file("[auth]\ntokens = [ { token = \"t\", scope = "
                         "\"read\", note = \"x\" } ]\n");
  REQUIRE_FALSE(extra);
  CHECK(contains(extra.error().message, "unexpected key 'note'"));
}

TEST_CASE("validation failures from the file", "[config][loader]") {
  auto span = load_file("[offload]\nfile_timespan = \"5h\"\n");
  REQUIRE_FALSE(span);
  CHECK(span.error().code == "offload.file_timespan");
  auto zone = load_file("[offload]\ntimezone = \"Mars/Olympus\"\n");
  REQUIRE_FALSE(zone);
  CHECK(zone.error().code == "offload.timezone");
  CHECK(contains(zone.error().message, "Mars/Olympus"));
  auto version = load_file("[usms]\napi_version = 3\n");
  REQUIRE_FALSE(version);
  CHECK(version.error().code == "usms.api_version");
  auto amount = load_file("[offload]\nmax_entries = 100\n",
                          {{"USMS_GW_OFFLOAD_AMOUNT", "200"}});
  REQUIRE_FALSE(amount);
  CHECK(amount.error().code == "offload.amount");
  CHECK(amount.error().message
        == "offload.amount (200, from env) must not exceed "
           "offload.max_entries (100, from file)");
  auto password = load_file("[soap]\npassword = 12345\n");
  REQUIRE_FALSE(password);
  CHECK(password.error().message.find("12345") == std::string::npos);
}

TEST_CASE("environment variables", "[config][loader]") {
  auto bad = load_settings("", {{"USMS_GW_SOAP_RETRIES", "abc"}}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message
        == "soap.retries from USMS_GW_SOAP_RETRIES: 'abc' is not an integer");
  CHECK(bad.error().code == "soap.retries");
  auto typo = load_settings("", {{"USMS_GW_SOAP_RETRYS", "3"}}, {}, {});
  REQUIRE_FALSE(typo);
  CHECK(typo.error().code == "USMS_GW_SOAP_RETRYS");
  CHECK(contains(typo.error().message, "USMS_GW_SOAP_RETRIES"));
  // Variables outside the config sections belong to others.
  CHECK(load_settings("", {{"USMS_GW_CONFIG", "/etc/x.toml"}}, {}, {}));
  auto x = load_settings("",
                         {{"USMS_GW_AUTH_TOKENS", "tok1:admin,tok2:read"},
                          {"USMS_GW_OFFLOAD_RETENTION", "disabled"},
                          {"USMS_GW_SERVER_MAX_BODY", "512KiB"},
                          {"USMS_GW_USMS_MAX_RATE", "12.5"},
                          {"USMS_GW_AUTH_PROTECT_METRICS", "true"}},
                         {}, {});
  REQUIRE(x);
  CHECK(x->values.auth.tokens
        == std::vector<auth_token>{{"tok1", token_scope::admin},
                                   {"tok2", token_scope::read}});
  CHECK_FALSE(x->values.offload.retention.has_value());
  CHECK(x->values.server.max_body == 512 * 1024);
  CHECK(x->values.usms.max_rate == 12.5);
  CHECK(x->values.auth.protect_metrics);
  CHECK(x->sources.at("auth.tokens") == value_source::env);
}

TEST_CASE("flags and runtime values", "[config][loader]") {
  auto unknown = load_settings("", {}, {{"server.listn", "x"}}, {});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == "server.listn");
  auto bad = load_settings("", {}, {{"server.listen", "nowhere"}}, {});
  REQUIRE_FALSE(bad);
  CHECK(contains(bad.error().message, "server.listen from flag: "));
  auto fixed = load_settings("", {}, {}, {{"server.listen", "\"h:1\""}});
  REQUIRE_FALSE(fixed);
  CHECK(contains(fixed.error().message, "cannot be changed at run time"));
  auto type = load_settings("", {}, {}, {{"soap.retries", "\"five\""}});
  REQUIRE_FALSE(type);
  CHECK(contains(type.error().message,
                 "soap.retries from runtime: expected an integer"));
  auto json = load_settings("", {}, {}, {{"soap.retries", "{"}});
  REQUIRE_FALSE(json);
  CHECK(json.error().code == "soap.retries");
  auto ok = load_settings("", {}, {},
                          {{"offload.retention", "\"disabled\""},
                           {"soap.password", "null"},
                           {"usms.connect_timeout", "\"1500ms\""}});
  REQUIRE(ok);
  CHECK_FALSE(ok->values.offload.retention.has_value());
  CHECK(ok->values.usms.connect_timeout == 1500ms);
}

TEST_CASE("environment_map splits at the first '='", "[config][loader]") {
  char a[] = "A=1";
  char b[] = "B=x=y";
  char c[] = "EMPTY=";
  char* envp[] = {a, b, c, nullptr};
  auto env = environment_map(envp);
  CHECK(env
        == std::map<std::string, std::string>{
            {"A", "1"}, {"B", "x=y"}, {"EMPTY", ""}});
  CHECK(environment_map(nullptr).empty());
}

TEST_CASE("cluster.instance_id defaults to host name and process id",
          "[config][loader]") {
  auto x = load_settings("", {}, {}, {});
  REQUIRE(x);
  const auto& id = x->values.cluster.instance_id;
  auto suffix = "-" + std::to_string(::getpid());
  REQUIRE(id.size() > suffix.size());
  CHECK(id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0);
  CHECK(id == default_instance_id());
  CHECK(check_instance_name(id).empty());
  CHECK(x->sources.at("cluster.instance_id") == value_source::default_value);
  // GET /api/v1/config shows the value the instance goes by, as a default.
  rapidjson::Document doc;
  doc.Parse(to_json(*x).c_str());
  CHECK(doc["cluster"]["instance_id"].GetString() == id);
  CHECK(doc["sources"]["cluster"]["instance_id"].GetString()
        == std::string{"default"});
  // Sent back unchanged it is no change; another name needs a restart.
  REQUIRE(apply_patch(*x, to_json(*x)));
  auto other = apply_patch(*x, R"({"cluster": {"instance_id": "gw-b"}})");
  REQUIRE_FALSE(other);
  CHECK(other.error().code == "cluster.instance_id");

  auto named
      = load_settings("", {{"USMS_GW_CLUSTER_INSTANCE_ID", "gw-a.1"}}, {}, {});
  REQUIRE(named);
  CHECK(named->values.cluster.instance_id == "gw-a.1");
  CHECK(named->sources.at("cluster.instance_id") == value_source::env);
  // Empty in a source means the default too.
  auto empty = load_file("[cluster]\ninstance_id = \"\"\nlease = \"20s\"\n");
  REQUIRE(empty);
  CHECK(empty->values.cluster.instance_id == default_instance_id());
  CHECK(empty->values.cluster.lease == 20s);
  auto bad
      = load_settings("", {{"USMS_GW_CLUSTER_INSTANCE_ID", "gw a"}}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message
        == "cluster.instance_id from USMS_GW_CLUSTER_INSTANCE_ID: 'gw a' has "
           "characters outside A-Z a-z 0-9 . _ -");
  CHECK_FALSE(load_settings(
      "", {{"USMS_GW_CLUSTER_INSTANCE_ID", std::string(129, 'x')}}, {}, {}));
}

TEST_CASE("the TLS pair is checked at load, naming the sources",
          "[config][loader]") {
  auto alone = load_file("[server]\ntls_cert = \"/etc/gw/cert.pem\"\n");
  REQUIRE_FALSE(alone);
  CHECK(alone.error().code == "server.tls_cert");
  CHECK(alone.error().message
        == "server.tls_cert (/etc/gw/cert.pem, from file) is set but "
           "server.tls_key is empty: set both to serve https, or neither for "
           "http");
  auto pair = load_file("[server]\ntls_cert = \"/etc/gw/cert.pem\"\n",
                        {{"USMS_GW_SERVER_TLS_KEY", "/etc/gw/key.pem"}});
  REQUIRE(pair);
  CHECK(pair->values.server.tls_key == "/etc/gw/key.pem");
  auto ca = load_settings(
      "", {{"USMS_GW_SERVER_TLS_CLIENT_CA", "/etc/gw/ca.pem"}}, {}, {});
  REQUIRE_FALSE(ca);
  CHECK(ca.error().code == "server.tls_client_ca");
}

TEST_CASE("the new kinds read from TOML, environment and flags",
          "[config][loader]") {
  auto x = load_file(R"(
[usms]
breaker_failures = 3
probe_interval = "2s"
recovery_ramp = "0s"
contract = "/etc/usms/contract.toml"
[soap]
give_up_after = "never"
[alarms]
auto_resolve = false
reopen_window = "0s"
[alertmanager]
key = "group"
)",
                     {{"USMS_GW_ALARMS_FLAP_THRESHOLD", "7"},
                      {"USMS_GW_OFFLOAD_RETENTION", "disabled"}});
  REQUIRE(x);
  const auto& v = x->values;
  CHECK(v.usms.breaker_failures == 3);
  CHECK(v.usms.probe_interval == 2s);
  CHECK(v.usms.recovery_ramp == 0ms);
  CHECK(v.usms.contract == "/etc/usms/contract.toml");
  CHECK_FALSE(v.soap.give_up_after.has_value());
  CHECK_FALSE(v.alarms.auto_resolve);
  CHECK(v.alarms.reopen_window == 0ms);
  CHECK(v.alertmanager.key == "group");
  CHECK(v.alarms.flap_threshold == 7);
  CHECK_FALSE(v.offload.retention.has_value());
  // Each optional duration takes only its own word.
  auto word = load_file("[soap]\ngive_up_after = \"disabled\"\n");
  REQUIRE_FALSE(word);
  CHECK(contains(word.error().message, "or 'never'"));
  auto number = load_file("[soap]\ngive_up_after = 5\n");
  REQUIRE_FALSE(number);
  CHECK(contains(number.error().message,
                 "expected a duration string such as \"30d\" or \"never\""));
  auto env = load_settings("", {{"USMS_GW_SOAP_GIVE_UP_AFTER", "never"}},
                           {{"usms.contract", "/tmp/c.toml"}}, {});
  REQUIRE(env);
  CHECK_FALSE(env->values.soap.give_up_after.has_value());
  CHECK(env->values.usms.contract == "/tmp/c.toml");
  CHECK(env->sources.at("usms.contract") == value_source::flag);
  auto runtime = load_settings(
      "", {}, {},
      {{"soap.give_up_after", "\"never\""}, {"alarms.keep", "\"7d\""}});
  REQUIRE(runtime);
  CHECK_FALSE(runtime->values.soap.give_up_after.has_value());
  // The contract comes from the file, environment or flags only.
  auto contract
      = load_settings("", {}, {}, {{"usms.contract", "\"/tmp/c.toml\""}});
  REQUIRE_FALSE(contract);
  CHECK(contains(contract.error().message, "cannot be changed at run time"));
}
