// What two gateway instances on one PostgreSQL database share: the limits
// (usms.max_in_flight for the whole cluster, intake.max_pending counting
// both backlogs), a runtime config change and a USMS pause made through
// one instance (in force on the other within 2 s), the offload (on one
// instance at a time: no row offloaded twice, none lost) and
// GET /api/v1/cluster.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "tests/cluster/cluster_stack.hpp"
#include "tests/support/offload_files.hpp"

namespace usms::test {

namespace {

using namespace std::chrono_literals;

/// Both instances list each other (and each has had a claim round since,
/// so their limits are shared).
void wait_both_joined(cluster_stack& c) {
  for (int i = 0; i < 2; ++i)
    REQUIRE(wait_until(
      [&] {
        auto r = c.call(i, "GET", "/api/v1/cluster");
        return r.status == 200
               && parse_json(r.body)["instances"].GetArray().Size() == 2;
      },
      10s));
  std::this_thread::sleep_for(1500ms);
}


} // namespace

TEST_CASE("GET /api/v1/cluster lists both instances, one of them leading",
          "[cluster]") {
  if (!postgres_available("the cluster view"))
    return;
  cluster_stack c;
  wait_both_joined(c);
  auto doc = c.json(1, "GET", "/api/v1/cluster");
  CHECK(json_string(doc, "self") == cluster_stack::name(1));
  auto instances = doc["instances"].GetArray();
  REQUIRE(instances.Size() == 2);
  int leaders = 0;
  for (auto& i : instances) {
    CHECK_FALSE(json_string(i, "started_at").empty());
    CHECK_FALSE(json_string(i, "heartbeat_at").empty());
    CHECK(json_string(i, "usms") == "up");
    leaders += i["leads"].GetBool() ? 1 : 0;
  }
  CHECK(leaders == 1);
}

TEST_CASE("usms.max_in_flight bounds the calls of the whole cluster",
          "[cluster][limits]") {
  if (!postgres_available("cluster-wide limits"))
    return;
  cluster_options o;
  o.gateway_env = {"USMS_GW_USMS_MAX_IN_FLIGHT=8"};
  cluster_stack c{o};
  wait_both_joined(c);
  c.set_faults(R"({"latency_ms": 60})");
  for (int k = 0; k < 300; ++k)
    REQUIRE_FALSE(c.try_create(k % 2, "limit " + std::to_string(k),
                               "limit-" + std::to_string(k))
                    .empty());
  REQUIRE(c.wait_drained(0, 60s));
  auto peak = json_int(c.sim_stats(), "peak_concurrency");
  INFO("peak concurrency at the simulator: " << peak);
  CHECK(peak <= 8);
  // Both instances sent: more than one instance's share at once.
  CHECK(peak > 4);
}

TEST_CASE("intake.max_pending counts the backlog of both instances",
          "[cluster][limits]") {
  if (!postgres_available("cluster-wide limits"))
    return;
  cluster_options o;
  o.gateway_env = {"USMS_GW_INTAKE_MAX_PENDING=50"};
  cluster_stack c{o};
  wait_both_joined(c);
  // Nothing is sent: every request waits.
  c.json(0, "POST", "/api/v1/usms/pause");
  REQUIRE(wait_until(
    [&] {
      return json_string(c.json(1, "GET", "/api/v1/usms"), "state")
             == "paused";
    },
    5s));
  for (int k = 0; k < 30; ++k)
    REQUIRE_FALSE(c.try_create(0, "pending", "pend-a" + std::to_string(k))
                    .empty());
  // The other instance counts them within a claim round.
  std::this_thread::sleep_for(1500ms);
  int accepted = 0;
  for (int k = 0; k < 40; ++k)
    if (!c.try_create(1, "pending", "pend-b" + std::to_string(k)).empty())
      ++accepted;
  CHECK(accepted == 20);
  auto refused = c.call(1, "POST", "/api/v1/tickets/incident",
                        R"({"fields": {"summary": "one more"}})");
  CHECK(refused.status == 503);
}

TEST_CASE("a runtime config change and a USMS pause through one instance "
          "take effect on the other within 2 s",
          "[cluster][shared]") {
  if (!postgres_available("shared settings"))
    return;
  cluster_stack c;
  wait_both_joined(c);
  auto put = c.call(0, "PUT", "/api/v1/config", R"({"soap": {"retries": 7}})");
  REQUIRE(put.status == 200);
  auto changed_at = std::chrono::steady_clock::now();
  CHECK(wait_until(
    [&] {
      auto doc = c.json(1, "GET", "/api/v1/config");
      return json_int(doc["soap"], "retries") == 7;
    },
    2s));
  INFO("config on the other instance after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - changed_at)
            .count()
       << " ms");
  c.json(0, "POST", "/api/v1/usms/pause");
  CHECK(wait_until(
    [&] {
      return json_string(c.json(1, "GET", "/api/v1/usms"), "state")
             == "paused";
    },
    2s));
  c.json(0, "POST", "/api/v1/usms/resume");
  CHECK(wait_until(
    [&] {
      return json_string(c.json(1, "GET", "/api/v1/usms"), "state") != "paused";
    },
    2s));
}

TEST_CASE("the offload runs on one instance at a time: no row offloaded "
          "twice, none lost",
          "[cluster][offload]") {
  if (!postgres_available("the offload in a cluster"))
    return;
  cluster_options o;
  o.gateway_env = {"USMS_GW_OFFLOAD_MAX_ENTRIES=20", "USMS_GW_OFFLOAD_AMOUNT=10",
                   "USMS_GW_OFFLOAD_CHECK_INTERVAL=200ms",
                   "USMS_GW_OFFLOAD_TIMEZONE=UTC",
                   "USMS_GW_OFFLOAD_FILE_TIMESPAN=1h"};
  cluster_stack c{o};
  wait_both_joined(c);
  std::vector<std::string> ids;
  for (int k = 0; k < 200; ++k) {
    auto id = c.try_create(k % 2, "offload " + std::to_string(k),
                           "off-" + std::to_string(k));
    REQUIRE_FALSE(id.empty());
    ids.push_back(id);
  }
  REQUIRE(c.wait_drained(0, 60s));
  // Offloaded down to at most 20 rows left in the table.
  REQUIRE(wait_until(
    [&] {
      auto doc = c.json(0, "GET", "/api/v1/status?limit=1");
      return json_int(doc, "total") <= 20;
    },
    30s));
  std::this_thread::sleep_for(500ms);
  auto csv = offloaded_ids(c.offload_path());
  std::map<std::string, int> left;
  for (auto& [id, status] : c.finished(0))
    ++left[id];
  int twice = 0;
  int lost = 0;
  for (auto& id : ids) {
    auto n = csv[id] + left[id];
    if (n > 1)
      ++twice;
    if (n == 0)
      ++lost;
  }
  CHECK(twice == 0);
  CHECK(lost == 0);
  CHECK(csv.size() >= 180);
}

} // namespace usms::test
