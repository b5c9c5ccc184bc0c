#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::test;

namespace {

std::unique_ptr<child_process> start_gateway(const std::string& dir) {
  return child_process::start(
    bin_path("usms-gateway"),
    {"--listen", "127.0.0.1:0", "--db", dir + "/gw.db", "--offload-path",
     dir + "/offload"},
    {"USMS_GW_OFFLOAD_MAX_ENTRIES=1000", "USMS_GW_OFFLOAD_AMOUNT=500",
     "USMS_GW_OFFLOAD_CHECK_INTERVAL=200ms", "USMS_GW_OFFLOAD_TIMEZONE=UTC",
     "USMS_GW_OFFLOAD_FILE_TIMESPAN=1h"},
    dir);
}

} // namespace

TEST_CASE("SIGKILL of the gateway during offloads loses and duplicates no "
          "status row",
          "[offload][gateway][sigkill]") {
  temp_dir tmp;
  auto db = tmp.path() + "/gw.db";
  add_status_rows(db, 60000, true);
  snapshot_db(db, tmp.path() + "/all.db");
  std::mt19937 rng{5};
  int kills = 0;
  for (int round = 0; round < 6; ++round) {
    auto gw = start_gateway(tmp.path());
    std::this_thread::sleep_for(std::chrono::milliseconds{
      std::uniform_int_distribution<int>{50, 700}(rng)});
    gw->send_signal(SIGKILL);
    if (gw->wait_exit(std::chrono::seconds{10}) == 128 + SIGKILL)
      ++kills;
  }
  CHECK(kills == 6);
  {
    auto gw = start_gateway(tmp.path());
    CHECK(wait_until([&] { return count_status_rows(db) == 500; },
                     std::chrono::seconds{60}));
    auto metrics = http_call("GET", gw->base_url() + "/metrics");
    CHECK_THAT(metrics.body, Catch::Contains("usms_gateway_offload"));
    gw->send_signal(SIGTERM);
    CHECK(gw->wait_exit(std::chrono::seconds{20}) == 0);
  }
  CHECK(count_pending_batches(db) == 0);
  snapshot_db(db, tmp.path() + "/live.db");
  std::string output;
  auto rc = run_checker(tmp.path() + "/all.db", tmp.path() + "/live.db",
                        tmp.path() + "/offload", "UTC", true, 500, output);
  INFO(output);
  CHECK(rc == 0);
}
