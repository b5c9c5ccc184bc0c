#include "config/keys.hpp"
#include "config/runtime_patch.hpp"
#include "contains.hpp"
#include "temp_file.hpp"

#include <catch2/catch.hpp>
#include <rapidjson/document.h>

using namespace usms::config;
using usms::config::test::contains;
using usms::config::test::temp_file;

namespace {

const key_info& priority_key() {
  const auto* key = find_key("alertmanager.priority");
  REQUIRE(key != nullptr);
  return *key;
}

const priority_table two{{"critical", 1}, {"major", 2}};

} // namespace

TEST_CASE("priority table: the text form of the environment",
          "[config][priority]") {
  const auto& key = priority_key();
  CHECK(key.kind == value_kind::priority_table);
  CHECK(key.runtime);
  CHECK(parse_text(key, "critical=1,major=2").value() == value{two});
  // Sorted by severity whatever the order written; spaces around are fine.
  CHECK(parse_text(key, " major = 2 , critical=1 ").value() == value{two});
  CHECK(parse_text(key, "").value() == value{priority_table{}});
  CHECK(format_text(key, value{two}) == "critical=1,major=2");
  CHECK(parse_text(key, "critical=0").error().message
        == "severity 'critical' has priority 0, outside 1..5");
  CHECK(parse_text(key, "critical=6").error().message
        == "severity 'critical' has priority 6, outside 1..5");
  CHECK(parse_text(key, "critical=1,critical=2").error().message
        == "severity 'critical' appears twice");
  CHECK(parse_text(key, "critical=high").error().message
        == "severity 'critical': 'high' is not an integer");
  CHECK(parse_text(key, "critical").error().message
        == "'critical' has no '=' (write severity=priority pairs separated "
           "by commas, e.g. critical=1,major=2)");
  CHECK(parse_text(key, "=1").error().message == "a severity name is empty");
  CHECK(parse_text(key, "very bad=1").error().message
        == "severity 'very bad' has characters outside A-Z a-z 0-9 _ - .");
  CHECK(parse_text(key, "critical=1,,major=2"));
  CHECK_FALSE(parse_text(key, "critical=99999999999"));
}

TEST_CASE("priority table: TOML inline and standard tables",
          "[config][priority]") {
  temp_file inline_table{"[alertmanager]\npriority = {critical = 1, "
                         "major = 2}\ndefault_priority = 4\n"};
  auto x = load_settings(inline_table.path(), {}, {}, {});
  REQUIRE(x);
  CHECK(x->values.alertmanager.priority == two);
  CHECK(x->values.alertmanager.default_priority == 4);
  CHECK(x->sources.at("alertmanager.priority") == value_source::file);
  temp_file standard{"[alertmanager.priority]\nP1 = 1\n\"sev.low\" = 5\n"};
  auto y = load_settings(standard.path(), {}, {}, {});
  REQUIRE(y);
  CHECK(y->values.alertmanager.priority
        == priority_table{{"P1", 1}, {"sev.low", 5}});
  temp_file empty{"[alertmanager]\npriority = {}\n"};
  auto z = load_settings(empty.path(), {}, {}, {});
  REQUIRE(z);
  CHECK(z->values.alertmanager.priority.empty());

  temp_file text{"[alertmanager]\npriority = {critical = \"1\"}\n"};
  auto bad = load_settings(text.path(), {}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == "alertmanager.priority");
  CHECK(bad.error().message
        == "alertmanager.priority from " + text.path()
               + " line 2: severity 'critical' (line 2) needs an integer "
                 "priority");
  temp_file range{"[alertmanager]\npriority = {critical = 9}\n"};
  auto out = load_settings(range.path(), {}, {}, {});
  REQUIRE_FALSE(out);
  CHECK(contains(out.error().message, "has priority 9, outside 1..5"));
  temp_file string{"[alertmanager]\npriority = \"critical=1\"\n"};
  auto str = load_settings(string.path(), {}, {}, {});
  REQUIRE_FALSE(str);
  CHECK(contains(str.error().message,
                 "expected a table of severity names to priorities"));
}

TEST_CASE("priority table: environment and runtime JSON",
          "[config][priority]") {
  auto x = load_settings(
      "", {{"USMS_GW_ALERTMANAGER_PRIORITY", "critical=1,major=2"}}, {}, {});
  REQUIRE(x);
  CHECK(x->values.alertmanager.priority == two);
  CHECK(x->sources.at("alertmanager.priority") == value_source::env);
  auto bad = load_settings(
      "", {{"USMS_GW_ALERTMANAGER_PRIORITY", "critical:1"}}, {}, {});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.rfind("alertmanager.priority from "
                                  "USMS_GW_ALERTMANAGER_PRIORITY: ",
                                  0)
        == 0);

  const auto& key = priority_key();
  CHECK(to_json_text(key, value{two}) == R"({"critical":1,"major":2})");
  CHECK(parse_json_text(key, R"({"major": 2, "critical": 1})").value()
        == value{two});
  CHECK(parse_json_text(key, "{}").value() == value{priority_table{}});
  CHECK(parse_json_text(key, R"({"critical": "1"})").error().message
        == "severity 'critical': expected an integer, got a string");
  CHECK(parse_json_text(key, R"({"critical": 1.5})").error().message
        == "severity 'critical': expected an integer, got a number");
  // The JSON parser itself refuses a repeated key, before the table is read.
  CHECK(
      parse_json_text(key, R"({"critical": 1, "critical": 2})").error().message
      == "the value is JSON with the key \"critical\" twice in one object "
         "(at byte 26)");
  CHECK(parse_json_text(key, R"("critical=1")").error().message
        == "expected an object of severity names to priorities, e.g. "
           "{\"critical\": 1}, got a string");
  auto runtime = load_settings(
      "", {}, {}, {{"alertmanager.priority", R"({"warning": 3})"}});
  REQUIRE(runtime);
  CHECK(runtime->values.alertmanager.priority
        == priority_table{{"warning", 3}});
}

TEST_CASE("priority table: GET shows an object, PUT replaces the table",
          "[config][priority]") {
  auto current = load_settings("", {}, {}, {});
  REQUIRE(current);
  rapidjson::Document doc;
  doc.Parse(to_json(*current).c_str());
  REQUIRE(doc["alertmanager"]["priority"].IsObject());
  CHECK(doc["alertmanager"]["priority"]["critical"].GetInt() == 1);
  CHECK(doc["alertmanager"]["priority"]["info"].GetInt() == 4);
  CHECK(doc["alertmanager"]["priority"].MemberCount() == 5);
  CHECK(doc["alertmanager"]["default_priority"].GetInt() == 3);

  auto patch = apply_patch(*current, R"({"alertmanager": {"priority":
      {"critical": 1, "major": 2}, "default_priority": 5}})");
  REQUIRE(patch);
  CHECK(patch->updated.values.alertmanager.priority == two);
  CHECK(patch->updated.values.alertmanager.default_priority == 5);
  CHECK(patch->runtime_json.at("alertmanager.priority")
        == R"({"critical":1,"major":2})");
  CHECK(patch->updated.sources.at("alertmanager.priority")
        == value_source::runtime);
  // The same table in another order is no change.
  auto same = apply_patch(patch->updated, R"({"alertmanager": {"priority":
      {"major": 2, "critical": 1}}})");
  REQUIRE(same);
  CHECK(same->changed_keys.empty());
  auto refused = apply_patch(
      *current, R"({"alertmanager": {"priority": {"critical": 0}}})");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "alertmanager.priority");
  CHECK(refused.error().message
        == "alertmanager.priority: severity 'critical' has priority 0, "
           "outside 1..5");
  // What was saved loads back.
  auto reloaded = load_settings("", {}, {}, patch->runtime_json);
  REQUIRE(reloaded);
  CHECK(reloaded->values.alertmanager.priority == two);
}

TEST_CASE("priority_of falls back to the default priority",
          "[config][priority]") {
  alertmanager_settings s;
  CHECK(priority_of(s, "critical") == 1);
  CHECK(priority_of(s, "warning") == 3);
  CHECK(priority_of(s, "Critical") == 3); // exact match only
  CHECK(priority_of(s, "") == 3);
  s.default_priority = 5;
  CHECK(priority_of(s, "page") == 5);
}
