// Alarm events end to end over real HTTP: the gateway and the simulator as
// processes, each rule of the lifecycle seen in USMS (tickets, statuses,
// work notes) and in the status table.

#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "tests/alarms/alarm_http.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The ticket's work notes in the simulator, oldest first.
std::vector<std::string> work_notes(gateway_stack& env,
                                    const std::string& id) {
  auto t = sim_ticket(env, id);
  std::vector<std::string> out;
  for (auto& n : t["work_notes"].GetArray())
    out.emplace_back(n.GetString());
  return out;
}

stack_options short_timers(std::vector<std::string> more = {}) {
  stack_options o;
  o.gateway_env = {"USMS_GW_ALARMS_UPDATE_INTERVAL=1s",
                   "USMS_GW_ALARMS_SYNC_INTERVAL=1s"};
  o.gateway_env.insert(o.gateway_env.end(), more.begin(), more.end());
  return o;
}

} // namespace

TEST_CASE("50 concurrent firings of one key: one ticket, 50 occurrences, one "
          "coalesced update",
          "[alarms][gateway]") {
  gateway_stack env{short_timers()};
  const std::string key = "olt-17/los";
  std::vector<std::thread> threads;
  std::atomic<int> accepted{0};
  std::atomic<int> with_request{0};
  for (int i = 0; i < 50; ++i)
    threads.emplace_back([&] {
      auto r = env.call("POST", "/api/v1/alarms", alarm_body(key, "firing"));
      if (r.status != 202)
        return;
      ++accepted;
      // Not parse_json: Catch2 macros are not thread-safe.
      if (!request_id_of(r.body).empty())
        ++with_request;
    });
  for (auto& t : threads)
    t.join();
  REQUIRE(accepted == 50);
  // Only the first firing caused a request (the create); the repeats wait
  // for the interval.
  CHECK(with_request == 1);
  auto id = wait_ticket(env, key);
  auto alarm = get_alarm(env, key);
  CHECK(json_int(alarm, "occurrences") == 50);
  CHECK(json_int(alarm, "generation") == 1);
  CHECK(json_string(alarm, "state") == "open");
  CHECK(env.sim_creates("olt-17/los#1") == 1);
  REQUIRE(wait_until([&] { return rows_with_cause(env, "alarm_repeat") == 1; },
                     10s));
  // One interval, one update: nothing more comes.
  std::this_thread::sleep_for(1500ms);
  CHECK(rows_with_cause(env, "alarm_repeat") == 1);
  CHECK(env.sim_calls("UpdateTicket") == 1);
  CHECK(env.sim_calls("CreateTicket") == 1);
  auto notes = work_notes(env, id);
  REQUIRE(notes.size() == 1);
  CHECK(contains(notes[0], "fired 49 more times"));
  CHECK(contains(notes[0], "(50 occurrences in all)"));
  // The create's status row names its cause and alarm.
  auto rows = env.json("GET", "/api/v1/status?cause=alarm_firing");
  REQUIRE(rows["rows"].Size() == 1);
  CHECK(json_string(rows["rows"][0], "alarm_key") == key);
  CHECK(json_string(rows["rows"][0], "correlation_id") == "olt-17/los#1");
}

TEST_CASE("a clear resolves the ticket, a firing within the window reopens "
          "it, after the window a new generation gets a new ticket",
          "[alarms][gateway]") {
  gateway_stack env{short_timers({"USMS_GW_ALARMS_REOPEN_WINDOW=2s"})};
  const std::string key = "core-1/bgp-down";
  post_alarm(env, key, "firing");
  auto first = wait_ticket(env, key);

  auto cleared = post_alarm(env, key, "cleared");
  CHECK(cleared["request_id"].IsString());
  CHECK(json_string(cleared["alarm"], "state") == "resolved");
  wait_sim_status(env, first, "Resolved");
  CHECK(json_string(sim_ticket(env, first)["ticket"], "ResolutionCode")
        == "AutoResolved");

  // Within the window: the same ticket, back in progress.
  post_alarm(env, key, "firing");
  wait_sim_status(env, first, "InProgress");
  auto reopened = get_alarm(env, key);
  CHECK(json_string(reopened, "state") == "open");
  CHECK(json_int(reopened, "generation") == 1);
  CHECK(json_string(reopened, "ticket_id") == first);
  // Its status row comes once the answer is journaled.
  CHECK(wait_until(
    [&] { return rows_with_cause(env, "alarm_reopened") == 1; }, 5s));

  // After the window: generation 2, a ticket of its own.
  post_alarm(env, key, "cleared");
  wait_sim_status(env, first, "Resolved");
  std::this_thread::sleep_for(2200ms);
  auto again = post_alarm(env, key, "firing");
  CHECK(json_int(again["alarm"], "generation") == 2);
  auto second = wait_alarm(
    env, key,
    [&](auto& a) {
      return a["ticket_id"].IsString() && json_string(a, "ticket_id") != first;
    },
    "got the second generation's ticket");
  CHECK(env.sim_creates("core-1/bgp-down#1") == 1);
  CHECK(env.sim_creates("core-1/bgp-down#2") == 1);
  CHECK(sim_status(env, first) == "Resolved");
  CHECK(json_int(second, "occurrences") == 1);
}

TEST_CASE("a problem alarm is resolved and reopened as a problem",
          "[alarms][gateway]") {
  gateway_stack env{short_timers()};
  const std::string key = "rca/fiber-cut";
  post_alarm(env, key, "firing", "problem");
  auto id = wait_ticket(env, key);
  CHECK(id.rfind("PRB", 0) == 0);
  post_alarm(env, key, "cleared", "problem");
  wait_sim_status(env, id, "Resolved");
  CHECK_FALSE(sim_ticket(env, id)["ticket"].HasMember("ResolutionCode"));
  post_alarm(env, key, "firing", "problem");
  wait_sim_status(env, id, "Investigating");
}

TEST_CASE("a ticket people closed in USMS: after a sync that pages through "
          "more than soap.query_limit tickets, the next firing makes a new "
          "ticket",
          "[alarms][gateway]") {
  // A sync every 3 s: the test changes tickets between two syncs.
  gateway_stack env{short_timers({"USMS_GW_ALARMS_SYNC_INTERVAL=3s",
                                  "USMS_GW_SOAP_QUERY_LIMIT=3"})};
  const std::string key = "olt-9/power";
  post_alarm(env, key, "firing");
  auto first = wait_ticket(env, key);
  // Right after a sync: 8 other tickets change, then people close ours, so
  // that the next sync reads 9 tickets, 3 a page.
  auto queries = env.sim_calls("QueryTickets");
  REQUIRE(wait_until([&] { return env.sim_calls("QueryTickets") > queries; },
                     10s));
  std::this_thread::sleep_for(100ms); // the rest of that sync
  queries = env.sim_calls("QueryTickets");
  for (int i = 0; i < 8; ++i)
    env.create_ticket("incident", "unrelated " + std::to_string(i));
  set_sim_status(env, first, "Closed");
  auto closed = wait_alarm(
    env, key, [](auto& a) { return json_string(a, "state") == "closed"; },
    "was closed by the sync");
  CHECK(json_string(closed, "resolved_at") != "");
  // Three incident pages (and one of problems) in that sync.
  CHECK(env.sim_calls("QueryTickets") - queries >= 4);

  auto fired = post_alarm(env, key, "firing");
  CHECK(json_int(fired["alarm"], "generation") == 2);
  CHECK(fired["request_id"].IsString());
  auto second = wait_ticket(env, key);
  CHECK(second != first);
  CHECK(env.sim_creates("olt-9/power#2") == 1);
  CHECK(sim_status(env, first) == "Closed");
}

TEST_CASE("flapping holds resolve and reopen, then brings the ticket in "
          "line",
          "[alarms][gateway]") {
  gateway_stack env{short_timers({"USMS_GW_ALARMS_FLAP_THRESHOLD=3",
                                  "USMS_GW_ALARMS_FLAP_WINDOW=3s"})};
  const std::string key = "ran-4/cell-flap";
  post_alarm(env, key, "firing");
  auto id = wait_ticket(env, key);
  // Six changes in a row: the fourth makes it flap.
  for (auto* state : {"cleared", "firing", "cleared", "firing", "cleared",
                      "firing"})
    post_alarm(env, key, state);
  CHECK(json_string(get_alarm(env, key), "state") == "flapping");
  wait_idle(env);
  // Resolved, reopened and resolved before it flapped; then one note, and
  // nothing while it flaps.
  CHECK(rows_with_cause(env, "alarm_cleared") == 2);
  CHECK(rows_with_cause(env, "alarm_reopened") == 1);
  CHECK(rows_with_cause(env, "alarm_flapping") == 1);
  CHECK(sim_status(env, id) == "Resolved");
  // Quiet for a whole window: steady again, firing, so the ticket is
  // reopened.
  auto steady = wait_alarm(
    env, key, [](auto& a) { return json_string(a, "state") == "open"; },
    "stopped flapping", 10s);
  wait_sim_status(env, id, "InProgress");
  CHECK(wait_until(
    [&] { return rows_with_cause(env, "alarm_reopened") == 2; }, 5s));
  auto notes = work_notes(env, id);
  REQUIRE_FALSE(notes.empty());
  CHECK(contains(notes.back(), "no longer flapping"));
  bool flap_noted = false;
  for (auto& n : notes)
    flap_noted = flap_noted || contains(n, "is flapping");
  CHECK(flap_noted);
  CHECK(json_int(steady, "generation") == 1);
  CHECK(env.sim_calls("CreateTicket") == 1);
}

TEST_CASE("a short alarms.keep forgets resolved alarms, not open ones",
          "[alarms][gateway]") {
  gateway_stack env{short_timers({"USMS_GW_ALARMS_KEEP=1s"})};
  post_alarm(env, "gone/soon", "firing");
  post_alarm(env, "stays/open", "firing");
  wait_ticket(env, "gone/soon");
  wait_ticket(env, "stays/open");
  post_alarm(env, "gone/soon", "cleared");
  wait_idle(env);
  REQUIRE(wait_until(
    [&] {
      return env.call("GET", "/api/v1/alarms/" + encode_key("gone/soon"))
               .status
             == 404;
    },
    10s));
  CHECK(json_string(get_alarm(env, "stays/open"), "state") == "open");
  // Forgotten: its next firing starts again at generation 1.
  auto again = post_alarm(env, "gone/soon", "firing");
  CHECK(json_int(again["alarm"], "generation") == 1);
}

TEST_CASE("the alarm list, 404 and DELETE answers", "[alarms][gateway]") {
  gateway_stack env;
  for (auto* key : {"a/1", "b/2", "c/3"})
    post_alarm(env, key, "firing");
  post_alarm(env, "b/2", "cleared");

  auto all = env.json("GET", "/api/v1/alarms");
  CHECK(json_int(all, "total") == 3);
  REQUIRE(all["alarms"].Size() == 3);
  auto& one = all["alarms"][0];
  for (auto* member : {"key", "state", "type", "ticket_id", "generation",
                       "occurrences", "first_at", "last_at", "resolved_at"})
    CHECK(one.HasMember(member));
  auto resolved = env.json("GET", "/api/v1/alarms?state=resolved");
  CHECK(json_int(resolved, "total") == 1);
  REQUIRE(resolved["alarms"].Size() == 1);
  CHECK(json_string(resolved["alarms"][0], "key") == "b/2");
  CHECK(resolved["alarms"][0]["resolved_at"].IsString());
  auto paged = env.json("GET", "/api/v1/alarms?limit=1&offset=1");
  CHECK(json_int(paged, "total") == 3);
  CHECK(paged["alarms"].Size() == 1);
  env.json("GET", "/api/v1/alarms?state=sleeping", "", 400);

  auto missing = env.json("GET", "/api/v1/alarms/nope%2Fnone", "", 404);
  CHECK(json_string(missing["error"], "code") == "not_found");
  // A clear of an unknown key is taken and does nothing.
  auto unknown = post_alarm(env, "never/fired", "cleared");
  CHECK(unknown["alarm"].IsNull());
  CHECK(unknown["request_id"].IsNull());
  CHECK_FALSE(json_string(unknown, "event_id").empty());
  env.json("GET", "/api/v1/alarms/never%2Ffired", "", 404);

  auto r = env.call("DELETE", "/api/v1/alarms/a%2F1");
  CHECK(r.status == 204);
  CHECK(r.body.empty());
  env.json("GET", "/api/v1/alarms/a%2F1", "", 404);
  CHECK(env.call("DELETE", "/api/v1/alarms/a%2F1").status == 404);
  CHECK(json_int(env.json("GET", "/api/v1/alarms"), "total") == 2);

  env.json("POST", "/api/v1/alarms", R"({"key": "x", "state": "maybe"})",
           400);
  env.json("POST", "/api/v1/alarms", R"({"key": "x", "state": "firing"})",
           400); // a firing needs a summary
}

TEST_CASE("API v1 (create only): alarms dedup and count", "[alarms][gateway]") {
  stack_options o = short_timers();
  o.api_version = 1;
  gateway_stack env{o};
  const std::string key = "legacy/alarm";
  for (int i = 0; i < 3; ++i)
    post_alarm(env, key, "firing");
  wait_ticket(env, key);
  post_alarm(env, key, "cleared");
  post_alarm(env, key, "firing");
  wait_idle(env);
  auto a = get_alarm(env, key);
  CHECK(json_int(a, "occurrences") == 4);
  CHECK(json_int(a, "generation") == 1);
  CHECK(env.sim_calls("CreateIncident") == 1);
  CHECK(env.sim_calls("UpdateTicket") == 0);
  CHECK(env.sim_calls("QueryTickets") == 0);
}

} // namespace usms::test
