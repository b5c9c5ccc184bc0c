// usmsctl's KEY=VALUE parsing and the JSON bodies it sends.

#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "cli/field_args.hpp"

using namespace usms::cli;

TEST_CASE("field arguments are typed the way the API wants", "[cli]") {
  auto get = [](const std::string& arg) {
    auto r = parse_field_arg(arg);
    REQUIRE(std::holds_alternative<field_arg>(r));
    return std::get<field_arg>(r);
  };
  CHECK(get("priority=2").type == field_arg::kind::integer);
  CHECK(get("priority=2").integer == 2);
  CHECK(get("urgency=x").type == field_arg::kind::text);
  CHECK(get("known_error=true").type == field_arg::kind::boolean);
  CHECK(get("known_error=true").boolean);
  CHECK(get("summary=a=b").text == "a=b");
  CHECK(get("summary=").text.empty());
  CHECK(std::holds_alternative<std::string>(parse_field_arg("priority")));
  CHECK(std::holds_alternative<std::string>(parse_field_arg("=3")));
}

TEST_CASE("ticket bodies carry fields and options as JSON", "[cli]") {
  ticket_body b;
  for (auto arg : {"summary=Link \"down\"", "priority=2", "known_error=false",
                   "priority=4"})
    b.fields.push_back(std::get<field_arg>(parse_field_arg(arg)));
  b.source = "nms";
  b.correlation_id = "c-1";
  auto json = ticket_body_json(b);
  rapidjson::Document doc;
  REQUIRE_FALSE(doc.Parse(json.c_str()).HasParseError());
  CHECK(std::string{doc["fields"]["summary"].GetString()} == "Link \"down\"");
  CHECK(doc["fields"]["priority"].GetInt() == 4); // last one wins
  CHECK(doc["fields"]["known_error"].IsFalse());
  CHECK(std::string{doc["source"].GetString()} == "nms");
  CHECK(std::string{doc["correlation_id"].GetString()} == "c-1");
  CHECK_FALSE(doc.HasMember("reply_to"));
}
