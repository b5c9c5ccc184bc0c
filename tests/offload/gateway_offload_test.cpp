#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include "tests/offload/offload_fixture.hpp"
#include "tests/support/gateway_stack.hpp"

using namespace usms;
using namespace usms::test;

TEST_CASE("SIGKILL of the gateway during offloads loses and duplicates no "
          "status row",
          "[offload][gateway][sigkill]") {
  stack_options opts;
  opts.gateway_env = {
    "USMS_GW_OFFLOAD_MAX_ENTRIES=1000", "USMS_GW_OFFLOAD_AMOUNT=500",
    "USMS_GW_OFFLOAD_CHECK_INTERVAL=200ms", "USMS_GW_OFFLOAD_TIMEZONE=UTC",
    "USMS_GW_OFFLOAD_FILE_TIMESPAN=1h"};
  // The status table is filled before the gateway first starts.
  opts.defer_gateway = true;
  gateway_stack s{opts};
  auto db = s.db_path();
  add_status_rows(db, 60000, true);
  snapshot_db(db, s.dir() + "/all.db");
  std::mt19937 rng{5};
  int kills = 0;
  for (int round = 0; round < 6; ++round) {
    s.start_gateway();
    std::this_thread::sleep_for(std::chrono::milliseconds{
      std::uniform_int_distribution<int>{50, 700}(rng)});
    if (s.kill_gateway() == 128 + SIGKILL)
      ++kills;
  }
  CHECK(kills == 6);
  s.start_gateway();
  CHECK(wait_until([&] { return count_status_rows(db) == 500; },
                   std::chrono::seconds{60}));
  auto metrics = s.call("GET", "/metrics");
  CHECK_THAT(metrics.body, Catch::Contains("usms_gateway_offload"));
  CHECK(s.stop_gateway() == 0);
  CHECK(count_pending_batches(db) == 0);
  snapshot_db(db, s.dir() + "/live.db");
  std::string output;
  auto rc = run_checker(s.dir() + "/all.db", s.dir() + "/live.db",
                        s.offload_path(), "UTC", true, 500, output);
  INFO(output);
  CHECK(rc == 0);
}
