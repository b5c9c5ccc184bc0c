// The gateway and the simulator on the example contracts
// (contract/examples/): each action on each ticket type, retries, the
// lookup before a create is sent again, fault codes and probes behave as on
// the built-in contract, while the wire speaks the example's names and
// spellings.

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

/// An example contract and its operation names.
struct example {
  std::string file;
  std::string (*create_op)(const std::string& type);
  std::string (*update_op)(const std::string& type);
  std::string (*query_op)(const std::string& type);
};

std::string capital(const std::string& type) {
  return std::string(1, static_cast<char>(type[0] - 'a' + 'A'))
         + type.substr(1);
}

const std::vector<example>& examples() {
  static const std::vector<example> xs{
    {"acme-itsm.toml",
     [](const std::string& t) { return "Create" + capital(t); },
     [](const std::string& t) { return "Update" + capital(t); },
     [](const std::string& t) { return "Find" + capital(t) + "s"; }},
    {"orion-osb.toml", [](const std::string&) { return std::string{"CreateRecord"}; },
     [](const std::string&) { return std::string{"ChangeRecord"}; },
     [](const std::string&) { return std::string{"SearchRecords"}; }},
  };
  return xs;
}

stack_options on(const example& x) {
  stack_options opts;
  opts.contract = std::string{USMS_SOURCE_DIR} + "/contract/examples/" + x.file;
  return opts;
}

/// The status a ticket of `type` moves to in the update below (spelled its
/// own way by both examples, or not at all by one: ACME's changes).
std::string working_status(const std::string& type) {
  return type == "incident" ? "InProgress"
         : type == "change" ? "Implementing"
                            : "Investigating";
}

rapidjson::Document finished(const http_reply& r) {
  INFO(r.status << " " << r.error << "\n" << r.body);
  REQUIRE(r.status == 200);
  return parse_json(r.body);
}

} // namespace

TEST_CASE("create, update and query of every ticket type on the example "
          "contracts",
          "[gateway][contract]") {
  for (auto& x : examples()) {
    INFO(x.file);
    gateway_stack env{on(x)};
    for (std::string type : {"incident", "change", "problem"}) {
      INFO(type);
      auto c = finished(env.call(
        "POST", "/api/v1/tickets/" + type + "?wait=10",
        R"({"fields": {"summary": "Node down", "priority": 3,
                       "configuration_item": "olt-17"},
            "correlation_id": "ex-)"
          + type + "\"}"));
      CHECK(json_string(c, "state") == "succeeded");
      CHECK(json_int(c, "attempts") == 1);
      auto id = json_string(c, "ticket_id");
      CHECK_FALSE(id.empty());
      CHECK(env.sim_creates("ex-" + type) == 1);

      auto u = finished(env.call(
        "PATCH", "/api/v1/tickets/" + type + "/" + id + "?wait=10",
        R"({"fields": {"status": ")" + working_status(type)
          + R"(", "assignee": "alice", "priority": 2},
            "work_note": "taken by the NOC"})"));
      CHECK(json_string(u, "state") == "succeeded");
      REQUIRE(u.HasMember("ticket"));
      auto& t = u["ticket"];
      CHECK(json_string(t, "ticket_id") == id);
      // The model's spellings, whatever the wire called them.
      CHECK(json_string(t, "status") == working_status(type));
      CHECK(json_int(t, "priority") == 2);
      CHECK(json_string(t, "assignee") == "alice");
      CHECK(json_string(t, "summary") == "Node down");
      CHECK(json_string(t, "configuration_item") == "olt-17");
      CHECK(json_string(t, "external_reference") == "ex-" + type);
      CHECK_FALSE(json_string(t, "created_at").empty());

      auto q = finished(env.call("GET", "/api/v1/tickets/" + type
                                          + "?external_reference=ex-" + type
                                          + "&status=" + working_status(type)
                                          + "&wait=10"));
      CHECK(json_string(q, "state") == "succeeded");
      CHECK(json_int(q, "total_count") == 1);
      REQUIRE(q["tickets"].Size() == 1);
      CHECK(json_string(q["tickets"][0], "ticket_id") == id);
      CHECK(json_string(q["tickets"][0], "status") == working_status(type));
    }
    // Each call went out as the contract's operation for it.
    int per_op = x.file == "orion-osb.toml" ? 3 : 1;
    for (std::string type : {"incident", "change", "problem"}) {
      CHECK(env.sim_calls(x.create_op(type)) == per_op);
      CHECK(env.sim_calls(x.update_op(type)) == per_op);
      CHECK(env.sim_calls(x.query_op(type)) == per_op);
    }
    CHECK(env.sim_calls("CreateTicket") == 0);
    CHECK(json_int(env.sim_stats(), "tickets") == 3);
  }
}

TEST_CASE("what an example contract does not carry is refused before "
          "anything is sent",
          "[gateway][contract]") {
  for (auto& x : examples()) {
    INFO(x.file);
    gateway_stack env{on(x)};
    // ACME creates changes without Impact; Orion has no Impact at all.
    auto r = env.call("POST", "/api/v1/tickets/change",
                      R"({"fields": {"summary": "x", "impact": 2}})");
    INFO(r.body);
    CHECK(r.status == 422);
    auto e = parse_json(r.body);
    CHECK(json_string(e["error"], "code") == "unsupported_by_usms_api");
    CHECK(json_string(e["error"], "field") == "fields.impact");
    std::this_thread::sleep_for(200ms);
    CHECK(env.sim_stats()["calls"].ObjectEmpty());
  }
}

TEST_CASE("Server faults on the example contracts: UNAVAILABLE in the "
          "contract's spelling is resent, others are retried",
          "[gateway][contract][retry]") {
  for (auto& x : examples()) {
    INFO(x.file);
    gateway_stack env{on(x)};
    auto ticket = env.create_ticket("problem", "retry me");
    // UNAVAILABLE goes out as E-DOWN or BACKEND_DOWN: the gateway reads it
    // as ours, resends without using an attempt, and looks nothing up.
    auto before = env.sim_calls(x.update_op("problem"));
    env.set_faults(R"({"server_fault_next": 2})");
    auto u = finished(env.call("PATCH", "/api/v1/tickets/problem/" + ticket
                                          + "?wait=15",
                               R"({"fields": {"priority": 1}})"));
    CHECK(json_string(u, "state") == "succeeded");
    CHECK(json_int(u, "attempts") == 1);
    CHECK(json_int(u["ticket"], "priority") == 1);
    CHECK(env.sim_calls(x.update_op("problem")) - before == 3);
    // (Orion's CreateRecord also made the problem above.)
    auto creates = env.sim_calls(x.create_op("change"));
    auto queries = env.sim_calls(x.query_op("change"));
    env.set_faults(R"({"server_fault_next": 2})");
    auto c = finished(env.call(
      "POST", "/api/v1/tickets/change?wait=15",
      R"({"fields": {"summary": "not taken"}, "correlation_id": "na-1"})"));
    CHECK(json_string(c, "state") == "succeeded");
    CHECK(json_int(c, "attempts") == 1);
    CHECK(env.sim_calls(x.create_op("change")) - creates == 3);
    CHECK(env.sim_calls(x.query_op("change")) - queries == 0);
    CHECK(env.sim_creates("na-1") == 1);

    // A code that is none of ours: retried and counted; a create is looked
    // up and makes one ticket.
    before = env.sim_calls(x.update_op("problem"));
    env.set_faults(
      R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
    u = finished(env.call("PATCH", "/api/v1/tickets/problem/" + ticket
                                     + "?wait=15",
                          R"({"fields": {"priority": 2}})"));
    CHECK(json_string(u, "state") == "succeeded");
    CHECK(json_int(u, "attempts") == 3);
    CHECK(env.sim_calls(x.update_op("problem")) - before == 3);
    env.set_faults(
      R"({"server_fault_next": 2, "server_fault_code": "INTERNAL"})");
    c = finished(env.call(
      "POST", "/api/v1/tickets/change?wait=15",
      R"({"fields": {"summary": "ambiguous"}, "correlation_id": "amb-1"})"));
    CHECK(json_string(c, "state") == "succeeded");
    CHECK(env.sim_creates("amb-1") == 1);
    auto attempts = json_int(c, "attempts");
    CHECK(attempts >= 2);
    CHECK(attempts <= 3);
    CHECK(env.sim_calls(x.query_op("change")) >= 1);
  }
}

TEST_CASE("a create whose answer was lost is looked up on the example "
          "contracts, not sent again",
          "[gateway][contract][retry]") {
  for (auto& x : examples()) {
    INFO(x.file);
    gateway_stack env{on(x)};
    env.set_faults(R"({"reset_after_create_next": 1})");
    auto c = finished(env.call(
      "POST", "/api/v1/tickets/incident?wait=15",
      R"({"fields": {"summary": "withheld"}, "correlation_id": "wh-1"})"));
    INFO(env.gateway().output());
    CHECK(json_string(c, "state") == "succeeded");
    CHECK(json_int(c, "attempts") == 1);
    CHECK(env.sim_calls(x.create_op("incident")) == 1);
    CHECK(env.sim_calls(x.query_op("incident")) >= 1);
    CHECK(env.sim_creates("wh-1") == 1);
    auto q = finished(env.call("GET", "/api/v1/tickets/incident?"
                                      "external_reference=wh-1&wait=10"));
    REQUIRE(json_int(q, "total_count") == 1);
    CHECK(json_string(q["tickets"][0], "ticket_id")
          == json_string(c, "ticket_id"));
  }
}

TEST_CASE("the example contracts' fault codes mean what ours mean",
          "[gateway][contract]") {
  for (auto& x : examples()) {
    INFO(x.file);
    gateway_stack env{on(x)};
    // An unknown ticket: NOT_FOUND on the wire in the contract's spelling.
    auto u = finished(env.call("PATCH", "/api/v1/tickets/incident/INC0009999"
                                        "?wait=10",
                               R"({"fields": {"priority": 1}})"));
    CHECK(json_string(u, "state") == "failed");
    CHECK(json_int(u, "attempts") == 1);
    CHECK(json_string(u, "reason").find("NOT_FOUND") != std::string::npos);
  }
  // Bad credentials: Orion's ACCESS_DENIED is our AUTH.
  auto opts = on(examples()[1]);
  opts.sim_args = {"--user", "gw", "--password", "right"};
  opts.gateway_env = {"USMS_GW_SOAP_USERNAME=gw", "USMS_GW_SOAP_PASSWORD=wrong"};
  gateway_stack env{opts};
  auto r = env.call("POST", "/api/v1/tickets/incident?wait=5",
                    R"({"fields": {"summary": "x"}})");
  INFO(r.body << "\n" << env.gateway().output());
  auto c = parse_json(r.body);
  // As on the built-in contract: the request fails with AUTH, or (where
  // bad credentials stop dispatch instead) USMS shows auth_failed.
  if (json_string(c, "state") == "failed")
    CHECK(json_string(c, "reason").find("(AUTH)") != std::string::npos);
  else
    CHECK(json_string(parse_json(env.call("GET", "/api/v1/usms").body),
                      "state")
          == "auth_failed");
}

TEST_CASE("an outage on an example contract: requests are held, probes are "
          "its query, and every request is delivered once when USMS is back",
          "[gateway][contract][usms]") {
  auto& x = examples()[0];
  gateway_stack env{on(x)};
  env.set_faults(R"({"down": true})");
  std::vector<std::string> held;
  for (int i = 0; i < 5; ++i)
    held.push_back(env.submit(
      "change", R"({"fields": {"summary": "during the outage"},
                   "correlation_id": "out-)"
                  + std::to_string(i) + "\"}"));
  auto state = [&] {
    return json_string(parse_json(env.call("GET", "/api/v1/usms").body),
                       "state");
  };
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (state() != "down" && state() != "probing"
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  REQUIRE((state() == "down" || state() == "probing"));
  env.set_faults(R"({"down": false})");
  env.call("POST", "/api/v1/usms/probe");
  deadline = std::chrono::steady_clock::now() + 20s;
  while (state() != "ramping" && state() != "up"
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  INFO(env.gateway().output());
  CHECK((state() == "ramping" || state() == "up"));
  // No request is about incidents: the incident queries the simulator saw
  // are the probes, of the first ticket type the contract can query.
  CHECK(env.sim_calls(x.query_op("incident")) >= 1);
  CHECK(env.sim_calls(x.create_op("incident")) == 0);
  for (std::size_t i = 0; i < held.size(); ++i) {
    auto r = env.wait_finished(held[i]);
    CHECK(json_string(r, "state") == "succeeded");
    CHECK(env.sim_creates("out-" + std::to_string(i)) == 1);
  }
}

} // namespace usms::test

namespace usms::test {

TEST_CASE("a bad contract file stops the gateway's start with its line and "
          "reason",
          "[gateway][contract]") {
  temp_dir dir;
  auto bad = dir.path() + "/bad.toml";
  std::ofstream file{bad};
  file << ("[contract]\nnamespace = \"urn:x\"\n\n[faults]\ncode = "
                  "\"C\"\nmessage = \"M\"\n\n[[operation]]\nname = \"Open\"\n"
                  "action = \"create\"\ntypes = [\"incident\"]\n"
                  "[operation.request]\nelement = \"Open\"\n"
                  "fields = [\"summary\"]\n[operation.answer]\n"
                  "element = \"OpenResult\"\nticket_id = \"Id\"\n");
  file.close();
  try {
    child_process::start(bin_path("usms-gateway"),
                         {"--listen", "127.0.0.1:0", "--db",
                          dir.path() + "/gw.db", "--contract", bad},
                         {}, dir.path(), std::chrono::seconds(10));
    FAIL("the gateway started on a contract it cannot use");
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    INFO(what);
    CHECK(what.find("usms.contract: " + bad + " line 14: Open carries "
                    "summary, which [fields] does not map to an element")
          != std::string::npos);
    CHECK(what.find("exited with code 0") == std::string::npos);
  }
}

} // namespace usms::test
