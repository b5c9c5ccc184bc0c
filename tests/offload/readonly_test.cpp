#include <catch2/catch.hpp>

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "offload/offloader.hpp"
#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::offload;
using namespace usms::test;

namespace {

/// Root ignores file modes; a thread without CAP_DAC_OVERRIDE does not.
/// Drops it for the calling thread only (the raw syscall, not glibc's
/// process-wide wrapper).
void drop_dac_override_in_this_thread() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &hdr, data) != 0)
    return;
  data[0].effective &= ~((1u << CAP_DAC_OVERRIDE)
                         | (1u << CAP_DAC_READ_SEARCH));
  ::syscall(SYS_capset, &hdr, data);
}

/// Runs one check on a thread that obeys file modes.
offload_report run_restricted(offloader& eng) {
  offload_report rep;
  std::thread t{[&] {
    drop_dac_override_in_this_thread();
    rep = eng.run_once();
  }};
  t.join();
  return rep;
}

} // namespace

TEST_CASE("a read-only offload path: the failure is visible, no row is lost",
          "[offload][readonly]") {
  temp_dir tmp;
  auto db = tmp.path() + "/gw.db";
  auto out = tmp.path() + "/offload";
  auto clock = std::make_shared<manual_clock>(utc("2024-03-30T22:30:00Z"));
  auto metrics = std::make_shared<offload_metrics>();
  add_status_rows(db, 150, true);
  snapshot_db(db, tmp.path() + "/all.db");
  std::filesystem::create_directory(out);

  SECTION("the offload folder is read-only") {
    ::chmod(out.c_str(), 0555);
  }
  SECTION("the day folder is read-only (rows get marked, then unmarked)") {
    std::filesystem::create_directory(out + "/2024_03_30");
    ::chmod((out + "/2024_03_30").c_str(), 0555);
  }
  offloader eng{db, test_options(out, 100, 50), clock, metrics};
  for (int i = 1; i <= 2; ++i) {
    auto rep = run_restricted(eng);
    CHECK_THAT(rep.error, Catch::Contains("Permission denied"));
    CHECK(metrics->failures == i);
    CHECK(metrics->failing);
    CHECK_THAT(metrics->last_error(), Catch::Contains("Permission denied"));
    CHECK(count_status_rows(db) == 150);
    CHECK(count_pending_batches(db) == 0);
    CHECK(metrics->rows_offloaded == 0);
  }
  // Once the folder is writable again the rows go out, each once.
  ::chmod(out.c_str(), 0755);
  if (std::filesystem::exists(out + "/2024_03_30"))
    ::chmod((out + "/2024_03_30").c_str(), 0755);
  auto rep = run_restricted(eng);
  CHECK(rep.error.empty());
  CHECK(rep.rows == 100);
  CHECK_FALSE(metrics->failing);
  CHECK(metrics->last_error().empty());
  CHECK(metrics->last_success_ms > 0);
  snapshot_db(db, tmp.path() + "/live.db");
  std::string output;
  INFO(output);
  CHECK(run_checker(tmp.path() + "/all.db", tmp.path() + "/live.db", out,
                    "UTC", true, 50, output)
        == 0);
}
