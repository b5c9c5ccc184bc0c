// Access control over real HTTP: tokens enforced per scope.

#include <catch2/catch.hpp>

#include "tests/support/gateway_stack.hpp"

namespace {

using usms::test::gateway_stack;
using usms::test::json_string;
using usms::test::parse_json;
using usms::test::stack_options;

const std::string tokens_env
  = "USMS_GW_AUTH_TOKENS=rtok-AAAA:read,stok-BBBB:submit,atok-CCCC:admin";

const std::string create_body
  = R"({"fields": {"summary": "scope test"}, "source": "auth-test"})";

/// A stack whose gateway knows the three tokens.
stack_options with_tokens(std::vector<std::string> more_env = {}) {
  stack_options opts;
  opts.gateway_env = {tokens_env};
  opts.gateway_env.insert(opts.gateway_env.end(), more_env.begin(),
                          more_env.end());
  return opts;
}

usms::http::header_list bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

std::string error_code(const usms::test::http_reply& r) {
  auto doc = parse_json(r.body);
  REQUIRE(doc.HasMember("error"));
  return json_string(doc["error"], "code");
}

} // namespace

TEST_CASE("tokens are enforced per scope over HTTP", "[auth][http]") {
  gateway_stack stack{with_tokens()};

  // No token, a wrong token, a malformed header: 401 with a challenge.
  auto r = stack.call("GET", "/api/v1/status");
  CHECK(r.status == 401);
  CHECK_FALSE(usms::http::find_header(r.headers, "WWW-Authenticate").empty());
  CHECK(error_code(r) == "unauthorized");
  r = stack.call("GET", "/api/v1/status", {}, bearer("rtok-AAAB"));
  CHECK(r.status == 401);
  r = stack.call("GET", "/api/v1/status", {}, {{"Authorization", "rtok-AAAA"}});
  CHECK(r.status == 401);
  r = stack.call("POST", "/api/v1/tickets/incident", create_body);
  CHECK(r.status == 401);
  r = stack.call("PUT", "/api/v1/config", R"({"soap": {"retries": 1}})");
  CHECK(r.status == 401);

  // read: GETs only.
  CHECK(stack.call("GET", "/api/v1/status", {}, bearer("rtok-AAAA")).status
        == 200);
  CHECK(stack.call("GET", "/api/v1/config", {}, bearer("rtok-AAAA")).status
        == 200);
  CHECK(stack.call("GET", "/api/v1/requests", {}, bearer("rtok-AAAA")).status
        == 200);
  r = stack.call("POST", "/api/v1/tickets/incident", create_body,
                 bearer("rtok-AAAA"));
  CHECK(r.status == 403);
  CHECK(error_code(r) == "forbidden");
  CHECK(stack.call("PUT", "/api/v1/reply-routes/x",
                   R"({"url": "http://127.0.0.1:1/"})", bearer("rtok-AAAA"))
          .status
        == 403);

  // submit: ticket requests, not operator changes.
  r = stack.call("POST", "/api/v1/tickets/incident?wait=10", create_body,
                 bearer("stok-BBBB"));
  REQUIRE(r.status == 200);
  auto rec = parse_json(r.body);
  CHECK(json_string(rec, "state") == "succeeded");
  auto id = json_string(rec, "request_id");
  auto ticket = json_string(rec, "ticket_id");
  r = stack.call("POST", "/api/v1/tickets/incident", create_body,
                 bearer("stok-BBBB"));
  CHECK(r.status == 202);
  r = stack.call("PATCH", "/api/v1/tickets/incident/" + ticket,
                 R"({"fields": {"priority": 2}})", bearer("stok-BBBB"));
  CHECK(r.status == 202);
  CHECK(stack.call("GET", "/api/v1/requests/" + id, {}, bearer("stok-BBBB"))
          .status
        == 200);
  CHECK(stack.call("PUT", "/api/v1/config", R"({"soap": {"retries": 1}})",
                   bearer("stok-BBBB"))
          .status
        == 403);
  CHECK(stack.call("POST", "/api/v1/requests/" + id + "/retry", {},
                   bearer("stok-BBBB"))
          .status
        == 403);
  CHECK(stack.call("DELETE", "/api/v1/requests/" + id, {}, bearer("stok-BBBB"))
          .status
        == 403);
  CHECK(stack.call("PUT", "/api/v1/reply-routes/x",
                   R"({"url": "http://127.0.0.1:1/"})", bearer("stok-BBBB"))
          .status
        == 403);

  // admin: everything.
  r = stack.call("PUT", "/api/v1/config", R"({"soap": {"retries": 1}})",
                 bearer("atok-CCCC"));
  CHECK(r.status == 200);
  CHECK(parse_json(r.body)["soap"]["retries"].GetInt() == 1);
  CHECK(stack.call("PUT", "/api/v1/reply-routes/x",
                   R"({"url": "http://127.0.0.1:1/"})", bearer("atok-CCCC"))
          .status
        == 200);
  CHECK(stack.call("DELETE", "/api/v1/reply-routes/x", {}, bearer("atok-CCCC"))
          .status
        == 204);
  // A finished request cannot be cancelled: past the guard, 404 or 409.
  auto status = stack.call("DELETE", "/api/v1/requests/" + id, {},
                           bearer("atok-CCCC"))
                  .status;
  CHECK((status == 404 || status == 409));

  // The service endpoints and the pages stay open.
  CHECK(stack.call("GET", "/healthz").status == 200);
  CHECK(stack.call("GET", "/readyz").status == 200);
  r = stack.call("GET", "/metrics");
  CHECK(r.status == 200);
  CHECK(r.body.find("usms_gateway_status_entries") != std::string::npos);
  CHECK(stack.call("GET", "/").status == 200);

  // The tokens are never echoed.
  for (auto& a : stack.answers())
    for (const char* t : {"rtok-AAAA", "stok-BBBB", "atok-CCCC"}) {
      INFO(a.what);
      CHECK(a.text.find(t) == std::string::npos);
    }
}

TEST_CASE("auth.protect_metrics puts /metrics, /healthz and /readyz behind "
          "a token",
          "[auth][http]") {
  gateway_stack stack{with_tokens({"USMS_GW_AUTH_PROTECT_METRICS=true"})};
  for (const char* path : {"/metrics", "/healthz", "/readyz"}) {
    INFO(path);
    auto r = stack.call("GET", path);
    CHECK(r.status == 401);
    CHECK_FALSE(
      usms::http::find_header(r.headers, "WWW-Authenticate").empty());
    CHECK(stack.call("GET", path, {}, bearer("nope")).status == 401);
    CHECK(stack.call("GET", path, {}, bearer("rtok-AAAA")).status == 200);
  }
  // The pages hold no data and stay open.
  CHECK(stack.call("GET", "/").status == 200);
}
