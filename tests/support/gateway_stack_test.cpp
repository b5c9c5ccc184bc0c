// Tests of the gateway+simulator stack itself: its defaults, how a test
// replaces or drops them, and restarts on the same database.

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include "tests/support/gateway_stack.hpp"
#include "tests/support/missing_tool.hpp"

using namespace usms::test;

namespace {

/// soap.retries and where the gateway says the value came from.
std::pair<int64_t, std::string> retries_of(gateway_stack& s) {
  auto cfg = s.json("GET", "/api/v1/config");
  return {json_int(cfg["soap"], "retries"),
          json_string(cfg["sources"]["soap"], "retries")};
}

} // namespace

TEST_CASE("gateway_stack: the defaults, replaced or dropped by a test",
          "[support][stack]") {
  SECTION("the stack's default") {
    gateway_stack s;
    CHECK(retries_of(s) == std::make_pair(int64_t{2}, std::string{"env"}));
  }
  SECTION("a test's own value") {
    stack_options opts;
    opts.gateway_env = {"USMS_GW_SOAP_RETRIES=5"};
    gateway_stack s{opts};
    CHECK(retries_of(s).first == 5);
  }
  SECTION("the gateway's own default") {
    stack_options opts;
    opts.gateway_env = {"USMS_GW_SOAP_RETRIES"};
    gateway_stack s{opts};
    CHECK(retries_of(s).second == "default");
  }
}

TEST_CASE("gateway_stack: the simulator and the gateway talk, on one API "
          "version",
          "[support][stack]") {
  stack_options opts;
  opts.api_version = 1;
  gateway_stack s{opts};
  auto ticket = s.create_ticket("incident", "stack test");
  CHECK(ticket.rfind("INC", 0) == 0);
  CHECK(s.sim_calls("CreateIncident") == 1);
  CHECK(s.sim_calls("CreateTicket") == 0);
  CHECK(s.answers().size() == 1);
}

TEST_CASE("gateway_stack: a deferred gateway, killed and started again on "
          "the same database",
          "[support][stack]") {
  stack_options opts;
  opts.defer_gateway = true;
  opts.token = "tok-stack";
  opts.gateway_env = {"USMS_GW_AUTH_TOKENS=tok-stack:admin"};
  gateway_stack s{opts};
  s.start_gateway();
  auto id = s.submit("incident", R"({"fields": {"summary": "kept"}})");
  CHECK(json_string(s.wait_finished(id), "state") == "succeeded");
  CHECK(s.kill_gateway() == 128 + SIGKILL);
  s.start_gateway();
  CHECK(json_string(s.json("GET", "/api/v1/requests/" + id), "state")
        == "succeeded");
  CHECK(s.stop_gateway() == 0);
  CHECK(s.gateway().output().find("listening on") != std::string::npos);
}

TEST_CASE("in_ci follows the CI variable", "[support]") {
  const char* was = std::getenv("CI");
  std::string saved = was ? was : "";
  ::setenv("CI", "true", 1);
  CHECK(in_ci());
  ::setenv("CI", "", 1);
  CHECK_FALSE(in_ci());
  ::unsetenv("CI");
  CHECK_FALSE(in_ci());
  if (was)
    ::setenv("CI", saved.c_str(), 1);
}
