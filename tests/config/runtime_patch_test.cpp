#include "config/runtime_patch.hpp"
#include "config/url_redaction.hpp"

#include "contains.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>

using namespace std::chrono_literals;
using namespace usms::config;
using usms::config::test::contains;

namespace {

loaded defaults() {
  auto x = load_settings("", {}, {}, {});
  REQUIRE(x);
  return *x;
}

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  REQUIRE_FALSE(doc.HasParseError());
  return doc;
}

} // namespace

TEST_CASE("to_json groups by section with text forms and sources",
          "[config][runtime]") {
  auto doc = parse(to_json(defaults()));
  CHECK(doc["server"]["listen"].GetString() == std::string{"127.0.0.1:8080"});
  CHECK(doc["server"]["max_body"].GetString() == std::string{"1MiB"});
  CHECK(doc["usms"]["api_version"].GetInt() == 2);
  CHECK(doc["usms"]["max_rate"].GetDouble() == 0.0);
  CHECK(doc["usms"]["request_timeout"].GetString() == std::string{"30s"});
  CHECK(doc["soap"]["retries"].GetInt() == 3);
  CHECK(doc["soap"]["password_set"].GetBool() == false);
  CHECK_FALSE(doc["soap"].HasMember("password"));
  CHECK(doc["auth"]["tokens_configured"].GetInt() == 0);
  CHECK_FALSE(doc["auth"].HasMember("tokens"));
  CHECK(doc["offload"]["retention"].GetString() == std::string{"30d"});
  CHECK(doc["offload"]["check_interval"].GetString() == std::string{"1m"});
  CHECK(doc["sources"]["soap"]["retries"].GetString()
        == std::string{"default"});
  CHECK(doc["sources"]["soap"]["password"].GetString()
        == std::string{"default"});
  CHECK(doc["reply"]["retries"].GetInt() == 5);
}

TEST_CASE("apply_patch merges the keys given", "[config][runtime]") {
  auto current = defaults();
  auto patch
      = apply_patch(current, R"({"soap": {"retries": 5, "query_limit": 100},
    "offload": {"retention": "disabled", "check_interval": "30s"},
    "usms": {"max_rate": 2.5}})");
  REQUIRE(patch);
  const auto& v = patch->updated.values;
  CHECK(v.soap.retries == 5);
  CHECK_FALSE(v.offload.retention.has_value());
  CHECK(v.offload.check_interval == 30s);
  CHECK(v.usms.max_rate == 2.5);
  CHECK(patch->updated.sources.at("soap.retries") == value_source::runtime);
  CHECK(patch->updated.sources.at("soap.query_limit") == value_source::runtime);
  CHECK(patch->updated.sources.at("soap.username")
        == value_source::default_value);
  CHECK(patch->runtime_json
        == std::map<std::string, std::string>{
            {"soap.retries", "5"},
            {"soap.query_limit", "100"},
            {"offload.retention", "\"disabled\""},
            {"offload.check_interval", "\"30s\""},
            {"usms.max_rate", "2.5"}});
  auto changed = patch->changed_keys;
  std::sort(changed.begin(), changed.end());
  CHECK(changed
        == std::vector<std::string>{"offload.check_interval",
                                    "offload.retention", "soap.retries",
                                    "usms.max_rate"});
  // What was persisted loads back to the same values.
  auto reloaded = load_settings("", {}, {}, patch->runtime_json);
  REQUIRE(reloaded);
  CHECK(to_json(*reloaded) == to_json(patch->updated));
}

TEST_CASE("apply_patch is all or none", "[config][runtime]") {
  auto current = defaults();
  auto patch = apply_patch(
      current, R"({"soap": {"retries": 5, "query_limit": "many"}})");
  REQUIRE_FALSE(patch);
  CHECK(patch.error().code == "soap.query_limit");
  CHECK(patch.error().message
        == "soap.query_limit: expected an integer, got a string");
  CHECK(current.values.soap.retries == 3);
  auto several = apply_patch(current, R"({"soap": {"retries": 500},
    "offload": {"file_timespan": "5h"}, "trend": {"keep": 7}})");
  REQUIRE_FALSE(several);
  CHECK(several.error().code == "soap.retries");
  CHECK(contains(several.error().message, "offload.file_timespan"));
  CHECK(contains(several.error().message, "trend.keep"));
}

TEST_CASE("apply_patch refuses unknown and fixed keys", "[config][runtime]") {
  auto current = defaults();
  auto unknown = apply_patch(current, R"({"soap": {"retrys": 5}})");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == "soap.retrys");
  CHECK(unknown.error().message == "soap.retrys is not a setting");
  auto section = apply_patch(current, R"({"sop": {"retries": 5}})");
  REQUIRE_FALSE(section);
  CHECK(section.error().code == "sop");
  auto fixed
      = apply_patch(current, R"({"server": {"listen": "0.0.0.0:9000"}})");
  REQUIRE_FALSE(fixed);
  CHECK(fixed.error().code == "server.listen");
  CHECK(fixed.error().message
        == "server.listen cannot be changed at run time; edit the config file");
  auto tokens = apply_patch(current, R"({"auth": {"tokens": []}})");
  REQUIRE_FALSE(tokens);
  CHECK(tokens.error().code == "auth.tokens");
  // An unchanged fixed value (e.g. a GET answer sent back) is accepted.
  auto same
      = apply_patch(current, R"({"server": {"listen": "127.0.0.1:8080"}})");
  REQUIRE(same);
  CHECK(same->runtime_json.empty());
  CHECK(same->updated.sources.at("server.listen")
        == value_source::default_value);
}

TEST_CASE("apply_patch checks the merged result", "[config][runtime]") {
  auto current = defaults();
  auto too_many = apply_patch(current, R"({"offload": {"amount": 20000}})");
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == "offload.amount");
  CHECK(contains(too_many.error().message, "from runtime"));
  auto both = apply_patch(
      current, R"({"offload": {"amount": 20000, "max_entries": 30000}})");
  REQUIRE(both);
  CHECK(both->updated.values.offload.amount == 20000);
}

TEST_CASE("a GET answer sent back changes nothing", "[config][runtime]") {
  auto current = defaults();
  auto patch = apply_patch(current, to_json(current));
  REQUIRE(patch);
  CHECK(patch->changed_keys.empty());
  CHECK(patch->runtime_json.count("soap.password") == 0);
  CHECK(patch->runtime_json.count("server.listen") == 0);
}

TEST_CASE("the password is write-only", "[config][runtime]") {
  const std::string marker = "PW-MARKER-7f3a9c";
  auto current = defaults();
  auto set
      = apply_patch(current, R"({"soap": {"password": ")" + marker + R"("}})");
  REQUIRE(set);
  CHECK(set->updated.values.soap.password == marker);
  auto shown = to_json(set->updated);
  CHECK_FALSE(contains(shown, marker));
  CHECK(parse(shown)["soap"]["password_set"].GetBool());
  CHECK(set->runtime_json.at("soap.password") == "\"" + marker + "\"");
  CHECK(set->changed_keys == std::vector<std::string>{"soap.password"});
  // Wrong types are named without echoing anything.
  auto number = apply_patch(set->updated, R"({"soap": {"password": 4711}})");
  REQUIRE_FALSE(number);
  CHECK_FALSE(contains(number.error().message, "4711"));
  // null or "" clear it.
  for (auto body :
       {R"({"soap": {"password": null}})", R"({"soap": {"password": ""}})"}) {
    auto cleared = apply_patch(set->updated, body);
    REQUIRE(cleared);
    CHECK(cleared->updated.values.soap.password.empty());
    CHECK_FALSE(
        parse(to_json(cleared->updated))["soap"]["password_set"].GetBool());
  }
  // The echo fields are ignored.
  auto echo = apply_patch(set->updated,
                          R"({"soap": {"password_set": false},
                              "auth": {"tokens_configured": 9}})");
  REQUIRE(echo);
  CHECK(echo->updated.values.soap.password == marker);
}

TEST_CASE("tokens never appear in to_json", "[config][runtime]") {
  auto x = load_settings(
      "", {{"USMS_GW_AUTH_TOKENS", "TOKMARK1:admin,TOKMARK2:read"}}, {}, {});
  REQUIRE(x);
  auto shown = to_json(*x);
  CHECK_FALSE(contains(shown, "TOKMARK"));
  CHECK(parse(shown)["auth"]["tokens_configured"].GetInt() == 2);
}

TEST_CASE("apply_patch refuses malformed bodies", "[config][runtime]") {
  auto current = defaults();
  CHECK(apply_patch(current, "not json").error().code == "malformed");
  CHECK(apply_patch(current, "[]").error().code == "malformed");
  // The JSON limits: a key given twice, deep nesting, bytes not UTF-8.
  auto twice = apply_patch(current, R"({"soap": {"retries": 3, "retries": 9}})");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().code == "malformed");
  CHECK(twice.error().message.find("\"retries\" twice") != std::string::npos);
  auto deep = apply_patch(current, std::string(65, '[') + std::string(65, ']'));
  REQUIRE_FALSE(deep);
  CHECK(deep.error().message.find("deeper than 64") != std::string::npos);
  CHECK(apply_patch(current, "{\"soap\": {\"user\": \"\xff\"}}").error().code
        == "malformed");
  CHECK(apply_patch(current, R"({"soap": 5})").error().code == "soap");
  auto number_duration
      = apply_patch(current, R"({"usms": {"connect_timeout": 5}})");
  REQUIRE_FALSE(number_duration);
  CHECK(number_duration.error().code == "usms.connect_timeout");
  CHECK(apply_patch(current, R"({"usms": {"connect_timeout": "0s"}})")
            .error()
            .code
        == "usms.connect_timeout");
  CHECK(apply_patch(current, R"({"soap": {"retries": 3.5}})").error().code
        == "soap.retries");
}

TEST_CASE("URL passwords are shown masked and survive an echoed PUT",
          "[config][runtime][secrets]") {
  auto current = defaults();
  current.values.usms.proxy = "http://ops:pr0xy-s3cret@proxy.example:3128";
  auto shown = to_json(current);
  CHECK_FALSE(contains(shown, "pr0xy-s3cret"));
  CHECK(parse(shown)["usms"]["proxy"].GetString()
        == std::string{"http://ops:***@proxy.example:3128"});

  // Sending the GET answer back changes nothing, the password included.
  auto echo = apply_patch(
      current, R"({"usms": {"proxy": "http://ops:***@proxy.example:3128"}})");
  REQUIRE(echo);
  CHECK(echo->updated.values.usms.proxy == current.values.usms.proxy);
  CHECK(echo->changed_keys.empty());

  // A new URL replaces it; errors never quote the password.
  auto replaced = apply_patch(
      current, R"({"usms": {"proxy": "http://ops:n3w@other.example:3128"}})");
  REQUIRE(replaced);
  CHECK(replaced->updated.values.usms.proxy
        == "http://ops:n3w@other.example:3128");
  auto bad = apply_patch(
      current, R"({"usms": {"proxy": "ftp://ops:hidd3n@proxy.example:21"}})");
  REQUIRE_FALSE(bad);
  CHECK_FALSE(contains(bad.error().message, "hidd3n"));
  CHECK(contains(bad.error().message, "ftp://ops:***@proxy.example:21"));
}

TEST_CASE("redact_url_password masks a userinfo password and a password "
          "parameter",
          "[config][secrets]") {
  CHECK(redact_url_password("http://u:p@h:1/x@y") == "http://u:***@h:1/x@y");
  CHECK(redact_url_password("u:p@proxy:3128") == "u:***@proxy:3128");
  CHECK(redact_url_password("http://u@h:1") == "http://u@h:1");
  CHECK(redact_url_password("http://h:1/a:b@c") == "http://h:1/a:b@c");
  CHECK(redact_url_password("https://h") == "https://h");
  CHECK(redact_url_password("") == "");
  CHECK(redact_url_password("postgresql://h/db?password=pw&sslmode=require")
        == "postgresql://h/db?password=***&sslmode=require");
  CHECK(redact_url_password("postgresql://u:a@h/db?sslmode=disable&password=b")
        == "postgresql://u:***@h/db?sslmode=disable&password=***");
  CHECK(redact_url_password("http://h/x?password=p#frag")
        == "http://h/x?password=***#frag");
  CHECK(redact_url_password("http://h/x?mypassword=p&password=")
        == "http://h/x?mypassword=p&password=");
  // Only in a URL's query: other text keeps its words.
  CHECK(redact_url_password("sqlite:./password=x.db")
        == "sqlite:./password=x.db");
  CHECK(redact_url_password("http://h/password=x") == "http://h/password=x");
  CHECK(is_redacted_echo("http://u:***@h", "http://u:p@h"));
  CHECK_FALSE(is_redacted_echo("http://u:***@h", "http://u:***@h"));
  CHECK_FALSE(is_redacted_echo("http://u:***@g", "http://u:p@h"));
}
