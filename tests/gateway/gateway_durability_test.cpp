// Durability: a gateway killed with SIGKILL while requests are queued and
// in flight loses none and duplicates none; a clean stop resumes the queue.

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/support/gateway_stack.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

struct accepted {
  std::string request_id;
  std::string correlation_id;
};

/// faults_injected[name] from the simulator's stats (0 when absent).
int64_t injected(gateway_stack& env, const char* name) {
  auto doc = env.sim_stats();
  if (!doc.HasMember("faults_injected"))
    return 0;
  return json_int(doc["faults_injected"], name, 0);
}

/// Waits for every request, then requires each succeeded with one ticket
/// of its own, created exactly once.
void require_all_succeeded_once(gateway_stack& env,
                                const std::vector<accepted>& all,
                                const std::string& ticket_prefix) {
  std::set<std::string> ticket_ids;
  int failed = 0;
  for (auto& a : all) {
    auto doc = env.wait_finished(a.request_id, 30s);
    auto state = json_string(doc, "state");
    if (state != "succeeded") {
      ++failed;
      UNSCOPED_INFO("request " << a.request_id << " (" << a.correlation_id
                               << ") " << state << ": "
                               << json_string(doc, "reason"));
    }
    auto ticket = json_string(doc, "ticket_id");
    if (state == "succeeded") {
      CHECK(ticket.rfind(ticket_prefix, 0) == 0);
      ticket_ids.insert(ticket);
    }
  }
  CHECK(failed == 0);
  // No two requests share a ticket.
  CHECK(ticket_ids.size() == all.size());

  // The simulator created exactly one ticket per correlation id: none lost,
  // none duplicated.
  auto stats = env.sim_stats();
  auto& creates = stats["creates_by_external_reference"];
  int lost = 0;
  int duplicated = 0;
  for (auto& a : all) {
    auto n = json_int(creates, a.correlation_id.c_str(), 0);
    if (n == 0)
      ++lost;
    if (n > 1) {
      ++duplicated;
      UNSCOPED_INFO(a.correlation_id << " created " << n << " times");
    }
  }
  CHECK(lost == 0);
  CHECK(duplicated == 0);
  CHECK(json_int(stats, "tickets") == static_cast<int64_t>(all.size()));
}

} // namespace

TEST_CASE("SIGKILL while requests are queued and in flight loses and "
          "duplicates nothing",
          "[gateway][durability]") {
  stack_options opts;
  // Few calls at a time to a slow USMS, so that most requests are still
  // queued when the gateway dies; generous retries so that no request runs
  // out of them.
  opts.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=4",
                      "USMS_GW_SOAP_RETRIES=10",
                      "USMS_GW_USMS_REQUEST_TIMEOUT=1s"};
  gateway_stack env{opts};
  // Every call is slow; the first creates' answers are withheld: some reset
  // after the ticket was stored, some held without an answer (the gateway
  // gives up on them after usms.request_timeout).
  env.set_faults(R"({"latency_ms": 250, "reset_after_create_next": 3,
                     "hang_after_create_next": 3, "hang_for_s": 20})");

  constexpr int total = 300;
  std::vector<accepted> all;
  all.reserve(total);
  for (int i = 0; i < total; ++i) {
    auto corr = "kill-" + std::to_string(i);
    auto doc = env.submit_create("incident", "storm " + std::to_string(i),
                                 corr);
    auto id = json_string(doc, "request_id");
    REQUIRE_FALSE(id.empty());
    CHECK(json_string(doc, "correlation_id") == corr);
    all.push_back({id, corr});
    if (i == total / 2)
      env.set_faults(R"({"hang_after_create_next": 4,
                         "reset_after_create_next": 2})");
  }
  // Let a part of the storm reach USMS, then withhold the answers of the
  // next creates: they are in flight (sent, no answer) when the gateway
  // dies.
  REQUIRE(wait_until([&] { return env.sim_calls("CreateTicket") >= 30; },
                     30s));
  // Counted from here: a later "next N" replaces what an earlier one had
  // not used up, so a fixed total would depend on the machine's speed.
  auto hung_before = injected(env, "hang_after_create");
  env.set_faults(R"({"hang_after_create_next": 4})");
  REQUIRE(wait_until(
    [&] { return injected(env, "hang_after_create") >= hung_before + 2; },
    20s));
  env.kill_gateway();
  auto created_at_kill = env.sim_calls("CreateTicket");
  INFO("CreateTicket calls when killed: " << created_at_kill);
  // The kill came while requests were still queued.
  REQUIRE(created_at_kill < total);
  CHECK(injected(env, "reset_after_create") >= 3);
  auto hung_at_kill = injected(env, "hang_after_create");

  // After the restart USMS is fast, and withholds two more answers.
  env.set_faults(R"({"latency_ms": 0, "hang_after_create_next": 2})");
  env.start_gateway();
  require_all_succeeded_once(env, all, "INC");
  // Withheld creates were resolved by looking them up (QueryTickets).
  CHECK(env.sim_calls("QueryTickets") >= 10);
  CHECK(injected(env, "hang_after_create") >= hung_at_kill + 2);
  INFO("gateway output after restart:\n" << env.gateway().output());
  CHECK(env.gateway().output().find("resuming") != std::string::npos);
}

TEST_CASE("a create that runs at once is journaled with its sending mark: "
          "killed in its call it is looked up, not made twice",
          "[gateway][durability]") {
  // One call at a time: the first create is in its call, the others wait
  // for the slot. Each was accepted while the window had room, so each was
  // journaled in flight with its sending mark, and none writes a mark of
  // its own before its call.
  stack_options opts;
  opts.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=1",
                      "USMS_GW_USMS_REQUEST_TIMEOUT=30s"};
  gateway_stack env{opts};
  // The first create is stored by USMS and its answer withheld.
  env.set_faults(R"({"hang_after_create_next": 1, "hang_for_s": 30})");
  std::vector<accepted> all;
  for (int i = 0; i < 4; ++i) {
    auto corr = "marked-" + std::to_string(i);
    auto doc = env.submit_create("incident", "marked " + std::to_string(i),
                                 corr);
    auto id = json_string(doc, "request_id");
    REQUIRE_FALSE(id.empty());
    all.push_back({id, corr});
  }
  REQUIRE(wait_until([&] { return injected(env, "hang_after_create") >= 1; },
                     20s));
  env.kill_gateway();
  REQUIRE(env.sim_calls("CreateTicket") == 1);

  env.set_faults(R"({"hang_after_create_next": 0})");
  env.start_gateway();
  // The one USMS holds is found by its lookup; the waiting ones, marked as
  // well, are looked up too and then made: one ticket each.
  require_all_succeeded_once(env, all, "INC");
  CHECK(env.sim_calls("QueryTickets") >= 1);

  // Running normally, a create journaled with its mark is sent at once,
  // never looked up first.
  auto lookups_before = env.sim_calls("QueryTickets");
  std::vector<accepted> more;
  for (int i = 0; i < 20; ++i) {
    auto corr = "running-" + std::to_string(i);
    auto doc = env.submit_create("incident", "running", corr);
    more.push_back({json_string(doc, "request_id"), corr});
  }
  for (auto& a : more)
    CHECK(json_string(env.wait_finished(a.request_id, 30s), "state")
          == "succeeded");
  CHECK(env.sim_calls("QueryTickets") == lookups_before);
}

TEST_CASE("SIGKILL right after acknowledging: every 202 is journaled",
          "[gateway][durability]") {
  stack_options opts;
  opts.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=2"};
  gateway_stack env{opts};
  env.set_faults(R"({"latency_ms": 300})");
  std::vector<accepted> all;
  for (int i = 0; i < 40; ++i) {
    auto corr = "ack-" + std::to_string(i);
    auto doc = env.submit_create("change", "ack " + std::to_string(i), corr);
    all.push_back({json_string(doc, "request_id"), corr});
  }
  // Killed at once: most requests never reached USMS.
  env.kill_gateway();
  REQUIRE(env.sim_calls("CreateTicket") < 40);
  env.set_faults(R"({"latency_ms": 0})");
  env.start_gateway();
  require_all_succeeded_once(env, all, "CHG");
}

TEST_CASE("clean stop with requests waiting for USMS then all resume after "
          "restart",
          "[gateway][durability]") {
  stack_options opts;
  // The first attempts fail while USMS is down, until the breaker stops
  // sending: then every request is held, waiting for USMS.
  opts.gateway_env = {"USMS_GW_SOAP_BACKOFF_BASE=3s",
                      "USMS_GW_SOAP_BACKOFF_MAX=3s",
                      "USMS_GW_SOAP_RETRIES=5"};
  gateway_stack env{opts};
  auto ticket = env.create_ticket("incident", "existing");
  env.set_faults(R"({"down": true})");

  std::vector<accepted> creates;
  for (int i = 0; i < 5; ++i) {
    auto corr = "resume-" + std::to_string(i);
    auto doc = env.submit_create("incident", "resume " + std::to_string(i),
                                 corr);
    creates.push_back({json_string(doc, "request_id"), corr});
  }
  auto u = env.call("PATCH", "/api/v1/tickets/incident/" + ticket,
                    R"({"fields": {"assignee": "alice"}})");
  REQUIRE(u.status == 202);
  auto update_id = json_string(parse_json(u.body), "request_id");
  auto q = env.call("GET", "/api/v1/tickets/incident?status=New");
  REQUIRE(q.status == 202);
  auto query_id = json_string(parse_json(q.body), "request_id");

  std::vector<std::string> ids{update_id, query_id};
  for (auto& c : creates)
    ids.push_back(c.request_id);
  // Every one of them waits for USMS: unfinished, not in flight, held.
  REQUIRE(wait_until(
    [&] {
      for (auto& id : ids) {
        auto g = env.call("GET", "/api/v1/requests/" + id);
        if (g.status != 200)
          return false;
        auto doc = parse_json(g.body);
        auto state = json_string(doc, "state");
        if ((state != "queued" && state != "waiting_retry")
            || !doc.HasMember("held") || !doc["held"].GetBool())
          return false;
      }
      return true;
    },
    10s));
  // The intake counts them once each supervisor has handed its request
  // back (the request rows can say so a moment earlier).
  CHECK(wait_until(
    [&] {
      return json_int(env.json("GET", "/api/v1/usms"), "held")
             == static_cast<int64_t>(ids.size());
    },
    5s));

  auto t0 = std::chrono::steady_clock::now();
  int code = env.stop_gateway(10s);
  auto took = std::chrono::steady_clock::now() - t0;
  INFO("gateway output:\n" << env.gateway().output());
  CHECK(code == 0);
  CHECK(took < 5s);

  env.set_faults(R"({"down": false})");
  env.start_gateway();
  for (auto& id : ids) {
    auto doc = env.wait_finished(id, 20s);
    INFO("request " << id << ": " << json_string(doc, "reason"));
    CHECK(json_string(doc, "state") == "succeeded");
  }
  for (auto& c : creates)
    CHECK(env.sim_creates(c.correlation_id) == 1);
  auto upd = env.json("GET", "/api/v1/requests/" + update_id);
  CHECK(json_string(upd["ticket"], "assignee") == "alice");
}

} // namespace usms::test

namespace usms::test {

TEST_CASE("an idle gateway gives the WAL's disk space back",
          "[gateway][durability][wal]") {
  gateway_stack env;
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i)
    ids.push_back(json_string(
      env.submit_create("incident", "wal " + std::to_string(i)),
      "request_id"));
  for (auto& id : ids)
    REQUIRE(json_string(env.wait_finished(id), "state") == "succeeded");
  auto wal = env.db_path() + "-wal";
  // Checkpoints copy the WAL into the database every second; once nothing
  // new was written for a tick, the WAL file is cut to nothing.
  REQUIRE(wait_until([&] { return std::filesystem::file_size(wal) == 0; },
                     std::chrono::seconds(15)));
  // Still all there, and the next write works.
  CHECK(json_string(env.json("GET", "/api/v1/requests/" + ids.front()),
                    "state")
        == "succeeded");
  CHECK(json_string(env.wait_finished(json_string(
                      env.submit_create("incident", "after"), "request_id")),
                    "state")
        == "succeeded");
}

} // namespace usms::test
