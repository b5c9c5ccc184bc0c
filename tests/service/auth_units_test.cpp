// Units of the route table and the access-control guard.

#include <catch2/catch.hpp>

#include <optional>

#include "app/auth_guard.hpp"
#include "app/route_table.hpp"
#include "tests/support/json_fields.hpp"

namespace {

using usms::app::path_known;
using usms::app::required_scope;
using usms::app::route_known;
using usms::app::token_scope_of;
using usms::config::auth_token;
using usms::config::token_scope;

constexpr std::optional<token_scope> none = std::nullopt;

} // namespace

TEST_CASE("route_known and path_known", "[routes][unit]") {
  CHECK(route_known("POST", "/api/v1/tickets/incident"));
  CHECK(route_known("GET", "/api/v1/tickets/change"));
  CHECK(route_known("PATCH", "/api/v1/tickets/problem/PRB0000001"));
  CHECK_FALSE(route_known("DELETE", "/api/v1/tickets/incident"));
  CHECK(path_known("/api/v1/tickets/incident")); // -> 405, not 404
  CHECK_FALSE(route_known("PATCH", "/api/v1/tickets/incident"));
  CHECK_FALSE(route_known("GET", "/api/v1/tickets/incident/INC1/extra"));
  CHECK_FALSE(path_known("/api/v1/tickets/incident/INC1/extra"));
  CHECK_FALSE(path_known("/api/v1/nothing"));
  CHECK_FALSE(route_known("GET", "/api/v2/status"));

  CHECK(route_known("GET", "/api/v1/requests/abc"));
  CHECK(route_known("DELETE", "/api/v1/requests/abc"));
  CHECK(route_known("POST", "/api/v1/requests/abc/retry"));
  CHECK_FALSE(route_known("GET", "/api/v1/requests/abc/retry"));
  CHECK(path_known("/api/v1/requests/abc/retry"));
  CHECK_FALSE(route_known("GET", "/api/v1/requests/abc/cancel"));
  CHECK_FALSE(route_known("GET", "/api/v1/requests//retry"));

  CHECK(route_known("GET", "/api/v1/status"));
  CHECK(route_known("GET", "/api/v1/status/trend"));
  CHECK(route_known("PUT", "/api/v1/config"));
  CHECK_FALSE(route_known("POST", "/api/v1/config"));
  CHECK(route_known("PUT", "/api/v1/reply-routes/*"));
  CHECK_FALSE(route_known("PUT", "/api/v1/reply-routes"));
  CHECK(route_known("GET", "/api/v1/openapi.json"));

  CHECK(route_known("GET", "/metrics"));
  CHECK(route_known("HEAD", "/metrics"));
  CHECK_FALSE(route_known("POST", "/metrics"));
  CHECK(route_known("GET", "/healthz"));
  CHECK(route_known("GET", "/readyz"));
  CHECK(route_known("GET", "/"));
  CHECK(route_known("GET", "/assets/app-1234.js"));
  CHECK(route_known("GET", "/assets/sub/dir.css"));
  CHECK_FALSE(route_known("GET", "/assets/"));
  CHECK_FALSE(route_known("GET", "/etc/passwd"));
}

TEST_CASE("required_scope per method and path", "[auth][unit]") {
  CHECK(required_scope("GET", "/api/v1/status", false) == token_scope::read);
  CHECK(required_scope("GET", "/api/v1/requests/x", false)
        == token_scope::read);
  CHECK(required_scope("GET", "/api/v1/tickets/incident", false)
        == token_scope::read);
  CHECK(required_scope("GET", "/api/v1/openapi.json", false)
        == token_scope::read);
  CHECK(required_scope("POST", "/api/v1/tickets/incident", false)
        == token_scope::submit);
  CHECK(required_scope("PATCH", "/api/v1/tickets/change/CHG1", false)
        == token_scope::submit);
  CHECK(required_scope("PUT", "/api/v1/config", false) == token_scope::admin);
  CHECK(required_scope("DELETE", "/api/v1/requests/x", false)
        == token_scope::admin);
  CHECK(required_scope("POST", "/api/v1/requests/x/retry", false)
        == token_scope::admin);
  CHECK(required_scope("PUT", "/api/v1/reply-routes/*", false)
        == token_scope::admin);
  CHECK(required_scope("DELETE", "/api/v1/reply-routes/nms", false)
        == token_scope::admin);

  for (const char* open : {"/metrics", "/healthz", "/readyz"}) {
    INFO(open);
    CHECK(required_scope("GET", open, false) == none);
    CHECK(required_scope("GET", open, true) == token_scope::read);
  }
  // The pages hold no data: open even when metrics are protected.
  CHECK(required_scope("GET", "/", false) == none);
  CHECK(required_scope("GET", "/", true) == none);
  CHECK(required_scope("GET", "/assets/x", true) == none);
}

TEST_CASE("token_scope_of: the right token, a wrong one, none",
          "[auth][unit]") {
  std::vector<auth_token> tokens{{"rtok-AAAA", token_scope::read},
                                 {"stok-BBBB", token_scope::submit},
                                 {"atok-CCCC", token_scope::admin}};
  CHECK(token_scope_of("Bearer rtok-AAAA", tokens) == token_scope::read);
  CHECK(token_scope_of("Bearer stok-BBBB", tokens) == token_scope::submit);
  CHECK(token_scope_of("Bearer atok-CCCC", tokens) == token_scope::admin);

  CHECK(token_scope_of("Bearer atok-CCCD", tokens) == none);
  CHECK(token_scope_of("Bearer atok-CCC", tokens) == none);   // a prefix
  CHECK(token_scope_of("Bearer atok-CCCCC", tokens) == none); // longer
  CHECK(token_scope_of("Bearer ", tokens) == none);
  CHECK(token_scope_of("Bearer", tokens) == none);
  CHECK(token_scope_of("", tokens) == none);
  CHECK(token_scope_of("atok-CCCC", tokens) == none); // no scheme
  CHECK(token_scope_of("Basic atok-CCCC", tokens) == none);
  CHECK(token_scope_of("Bearer atok-CCCC", {}) == none);
}

TEST_CASE("the guard answers 401 with WWW-Authenticate, 403, or lets pass",
          "[auth][unit]") {
  CHECK_FALSE(usms::app::make_auth_guard({}, true)); // no tokens: open

  auto guard = usms::app::make_auth_guard(
    {{"rtok-AAAA", token_scope::read}, {"atok-CCCC", token_scope::admin}},
    false);
  REQUIRE(guard);
  auto run = [&](const std::string& method, const std::string& target,
                 const std::string& auth) {
    usms::http::request req;
    req.method = method;
    req.target = target;
    if (!auth.empty())
      req.headers.push_back({"Authorization", auth});
    // A head guard: it sees the request before any body is read.
    return guard(req);
  };

  auto a = run("GET", "/api/v1/status?limit=5", "");
  REQUIRE(a);
  CHECK(a->status == 401);
  CHECK(usms::http::find_header(a->headers, "WWW-Authenticate")
          .substr(0, 6)
        == "Bearer");
  CHECK(
      usms::test::json_string(usms::test::parse_json(a->body)["error"], "code")
      == "unauthorized");

  a = run("GET", "/api/v1/status", "Bearer nope");
  REQUIRE(a);
  CHECK(a->status == 401);

  CHECK_FALSE(run("GET", "/api/v1/status?limit=5", "Bearer rtok-AAAA"));
  a = run("PUT", "/api/v1/config", "Bearer rtok-AAAA");
  REQUIRE(a);
  CHECK(a->status == 403);
  CHECK(usms::http::find_header(a->headers, "WWW-Authenticate").empty());
  CHECK(
      usms::test::json_string(usms::test::parse_json(a->body)["error"], "code")
      == "forbidden");
  CHECK_FALSE(run("PUT", "/api/v1/config", "Bearer atok-CCCC"));
  CHECK_FALSE(run("GET", "/metrics", ""));
  CHECK_FALSE(run("GET", "/", ""));
}
