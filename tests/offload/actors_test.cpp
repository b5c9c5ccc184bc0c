#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>

#include "actors/file_janitor.hpp"
#include "actors/offload_scheduler.hpp"
#include "caf/actor_system.hpp"
#include "caf/actor_system_config.hpp"
#include "caf/scoped_actor.hpp"
#include "caf/typed_actor.hpp"
#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::offload;
using namespace usms::test;

namespace {

struct offload_test_config : caf::actor_system_config {
  offload_test_config() {
    add_message_types<caf::id_block::usms_gateway>();
    set("scheduler.max-threads", 2);
  }
};

template <class Handle, class... Ts>
auto ask(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
  using report = std::conditional_t<
    std::is_same<Handle, offload_scheduler_actor>::value, offload_report,
    janitor_report>;
  report out;
  self->request(h, std::chrono::seconds{30}, std::forward<Ts>(xs)...)
    .receive([&](report& r) { out = std::move(r); },
             [&](caf::error& e) { FAIL(caf::to_string(e)); });
  return out;
}

} // namespace

TEST_CASE("the scheduler actor offloads on request and takes new settings",
          "[offload][actors]") {
  temp_dir tmp;
  auto db = tmp.path() + "/gw.db";
  auto out = tmp.path() + "/offload";
  add_status_rows(db, 300);
  auto clock = std::make_shared<manual_clock>(utc("2024-03-30T22:30:00Z"));
  auto metrics = std::make_shared<offload_metrics>();
  offload_test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto opts = test_options(out, 100, 50);
  auto sched = spawn_offload_scheduler(sys, db, opts, clock, metrics, false);
  auto rep = ask(self, sched, offload_atom_v);
  CHECK(rep.error.empty());
  CHECK(rep.rows == 250);
  CHECK(rep.remaining == 50);
  CHECK(metrics->rows_offloaded == 250);
  CHECK(metrics->files_written == 1);

  opts.max_entries = 10;
  opts.amount = 10;
  opts.timezone = "Asia/Tokyo";
  self->send(sched, settings_atom_v, opts);
  rep = ask(self, sched, offload_atom_v);
  CHECK(rep.rows == 50);
  CHECK(std::filesystem::exists(out + "/2024_03_31/Offload_04_4h.csv"));
  self->send_exit(sched, caf::exit_reason::user_shutdown);
}

TEST_CASE("the scheduler actor checks on its own every check_interval",
          "[offload][actors]") {
  temp_dir tmp;
  auto db = tmp.path() + "/gw.db";
  add_status_rows(db, 30);
  auto clock = std::make_shared<manual_clock>(utc("2024-03-30T22:30:00Z"));
  auto metrics = std::make_shared<offload_metrics>();
  offload_test_config cfg;
  caf::actor_system sys{cfg};
  auto opts = test_options(tmp.path() + "/offload", 10, 5);
  opts.check_interval_ms = 30;
  auto sched = spawn_offload_scheduler(sys, db, opts, clock, metrics);
  CHECK(wait_until([&] { return metrics->rows_offloaded == 25; },
                   std::chrono::seconds{10}));
  add_status_rows(db, 10);
  CHECK(wait_until([&] { return metrics->rows_offloaded == 35; },
                   std::chrono::seconds{10}));
  CHECK(count_status_rows(db) == 5);
  caf::anon_send_exit(sched, caf::exit_reason::user_shutdown);
}

TEST_CASE("the janitor actor sweeps with the injected clock", "[offload][actors]") {
  temp_dir tmp;
  auto root = tmp.path() + "/offload";
  std::filesystem::create_directories(root + "/2024_03_01");
  write_file(root + "/2024_03_01/Offload_00_24h.csv", "x");
  auto clock = std::make_shared<manual_clock>(utc("2024-03-05T00:00:00Z"));
  auto metrics = std::make_shared<offload_metrics>();
  offload_test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  auto opts = test_options(root, 10, 5);
  opts.retention_ms = 0; // disabled
  auto jan = spawn_file_janitor(sys, opts, clock, metrics, false);
  CHECK(ask(self, jan, sweep_atom_v).removed.empty());
  opts.retention_ms = 7 * 24 * 3'600'000LL;
  self->send(jan, settings_atom_v, opts);
  CHECK(ask(self, jan, sweep_atom_v).removed.empty()); // 4 days old
  clock->set(utc("2024-03-09T00:00:00Z"));             // 7 days after its end
  auto rep = ask(self, jan, sweep_atom_v);
  CHECK(rep.files == 1);
  CHECK(rep.folders == 1);
  CHECK(metrics->files_removed == 1);
  CHECK(list_tree(root).empty());
  self->send_exit(jan, caf::exit_reason::user_shutdown);
}
