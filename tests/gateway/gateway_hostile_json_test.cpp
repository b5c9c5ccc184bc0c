// Hostile JSON over real HTTP: deep nesting, repeated keys and bytes that are
// not UTF-8 get 400 malformed_json, and the gateway keeps serving.

#include <catch2/catch.hpp>

#include "tests/support/gateway_stack.hpp"

namespace {

using usms::test::gateway_stack;
using usms::test::http_reply;
using usms::test::json_string;
using usms::test::parse_json;

std::string arrays(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string objects(std::size_t levels) {
  std::string text = "{}";
  for (std::size_t i = 1; i < levels; ++i)
    text = "{\"a\":" + text + "}";
  return text;
}

/// A create whose `fields.category` is `value`: the body is level 1 and
/// `fields` level 2, so `value` brings the rest.
std::string create_with_category(const std::string& value) {
  return R"({"fields": {"summary": "deep", "category": )" + value + "}}";
}

struct api_error_view {
  std::string code;
  std::string message;
  std::string field;
};

api_error_view error_of(const http_reply& r) {
  auto doc = parse_json(r.body);
  REQUIRE(doc.IsObject());
  REQUIRE(doc.HasMember("error"));
  auto& e = doc["error"];
  return {json_string(e, "code"), json_string(e, "message"),
          json_string(e, "field")};
}

/// 400 malformed_json whose message names `what`.
void check_malformed(const http_reply& r, const std::string& what) {
  CHECK(r.status == 400);
  auto e = error_of(r);
  CHECK(e.code == "malformed_json");
  CHECK(e.message.find(what) != std::string::npos);
}

const std::string incident = "/api/v1/tickets/incident";

} // namespace

TEST_CASE("a megabyte of brackets gets 400 and the gateway keeps serving",
          "[gateway][json]") {
  gateway_stack stack;
  auto body = arrays(500000);
  REQUIRE(body.size() == 1000000); // under server.max_body (1 MiB)
  check_malformed(stack.call("POST", incident, body), "deeper than 64 levels");
  check_malformed(stack.call("PATCH", incident + "/INC1",
                             std::string(1000000, '{')),
                  "not valid JSON");
  check_malformed(stack.call("PUT", "/api/v1/config", body),
                  "deeper than 64 levels");
  check_malformed(stack.call("PUT", "/api/v1/reply-routes/alarms", body),
                  "deeper than 64 levels");

  REQUIRE(stack.gateway().running());
  CHECK(stack.call("GET", "/healthz").status == 200);
  auto accepted = stack.submit_create("incident", "after the brackets");
  CHECK(json_string(accepted, "state") == "queued");
}

TEST_CASE("64 levels inside fields reach validation, 65 are malformed JSON",
          "[gateway][json]") {
  gateway_stack stack;
  for (auto& value : {arrays(62), objects(62)}) {
    auto r = stack.call("POST", incident, create_with_category(value));
    CHECK(r.status == 400);
    auto e = error_of(r);
    CHECK(e.code == "validation_failed");
    CHECK(e.field == "fields.category");
  }
  for (auto& value : {arrays(63), objects(63)})
    check_malformed(stack.call("POST", incident, create_with_category(value)),
                    "deeper than 64 levels");
  check_malformed(stack.call("PATCH", incident + "/INC1",
                             R"({"fields": )" + objects(64) + "}"),
                  "deeper than 64 levels");
}

TEST_CASE("a key given twice, bytes not UTF-8 and a lone surrogate get 400",
          "[gateway][json]") {
  gateway_stack stack;
  check_malformed(stack.call("POST", incident,
                             R"({"fields": {"summary": "x"}, "source": "a",
                                 "source": "b"})"),
                  "\"source\" twice");
  check_malformed(stack.call("POST", incident,
                             R"({"fields": {"summary": "x",
                                            "summary": "y"}})"),
                  "\"summary\" twice");
  check_malformed(stack.call("PUT", "/api/v1/config",
                             R"({"soap": {"retries": 1, "retries": 2}})"),
                  "\"retries\" twice");
  check_malformed(stack.call("POST", incident,
                             "{\"fields\": {\"summary\": \"\xC0\xAF\"}}"),
                  "not valid UTF-8");
  check_malformed(stack.call("POST", incident,
                             R"({"fields": {"summary": "\uDC00"}})"),
                  "lone UTF-16 surrogate");
  // Nothing of it was queued.
  auto queue = stack.json("GET", "/api/v1/requests");
  REQUIRE(queue.HasMember("requests"));
  CHECK(queue["requests"].Size() == 0);
  CHECK(queue["total"].GetInt64() == 0);
}
