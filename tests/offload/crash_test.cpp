#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "offload/offloader.hpp"
#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::offload;
using namespace usms::test;

namespace {

constexpr const char* steps[] = {"marked", "written", "deleted"};

/// Runs one check in a child process that dies by SIGKILL: at `step` of
/// batch `batch` when `step` is set, else when the parent kills it after
/// `delay`. Returns true when the child died by SIGKILL.
bool offload_and_die(const std::string& db, const offload_options& opts,
                     time_point now, const char* step, int batch,
                     std::chrono::milliseconds delay) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: its own connection, opened after the fork.
    auto clock = std::make_shared<manual_clock>(now);
    offloader eng{db, opts, clock, std::make_shared<offload_metrics>()};
    int seen = 0;
    if (step != nullptr)
      eng.set_step_hook([&](std::string_view s, const std::string&) {
        if (s == step && ++seen == batch)
          ::raise(SIGKILL);
      });
    auto rep = eng.run_once();
    ::_exit(rep.error.empty() ? 0 : 3);
  }
  if (step == nullptr) {
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

} // namespace

TEST_CASE("SIGKILL at any point of offloads of a large table loses and "
          "duplicates no row",
          "[offload][crash][sigkill]") {
  temp_dir tmp;
  auto db = tmp.path() + "/gw.db";
  auto all = tmp.path() + "/all.db";
  auto out = tmp.path() + "/offload";
  add_status_rows(db, 40000, true);
  snapshot_db(db, all);
  auto opts = test_options(out, 1000, 500, "Europe/Berlin", 1);
  opts.batch_rows = 400;
  auto now = utc("2024-03-31T00:20:00Z"); // into the change to summer time
  std::mt19937 rng{20240331};
  int kills = 0;
  for (int round = 0; round < 14; ++round) {
    // Even rounds die at a chosen step of a chosen batch, odd rounds at a
    // random moment (mid-transaction, mid-write, mid-fsync).
    const char* step = round % 2 == 0 ? steps[(round / 2) % 3] : nullptr;
    int batch = 1 + (round % 4);
    std::chrono::milliseconds delay{
      std::uniform_int_distribution<int>{1, 60}(rng)};
    if (offload_and_die(db, opts, now, step, batch, delay))
      ++kills;
    now += std::chrono::minutes{25};
  }
  CHECK(kills >= 10);
  INFO(kills << " kills; " << count_status_rows(db) << " rows left");
  // The final restart finishes the job.
  auto clock = std::make_shared<manual_clock>(now);
  auto metrics = std::make_shared<offload_metrics>();
  offloader eng{db, opts, clock, metrics};
  auto rep = eng.run_once();
  CHECK(rep.error.empty());
  CHECK(rep.remaining == 500);
  CHECK(count_pending_batches(db) == 0);
  snapshot_db(db, tmp.path() + "/live.db");
  std::string output;
  auto rc = run_checker(all, tmp.path() + "/live.db", out, "Europe/Berlin",
                        true, 500, output);
  INFO(output);
  CHECK(rc == 0);
  CHECK(list_tree(out).size() > 2); // several windows were written
}
