#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "offload/csv_writer.hpp"
#include "offload/offloader.hpp"
#include "persistence/offload_db.hpp"
#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::offload;
using namespace usms::test;

namespace {

struct bench {
  temp_dir tmp;
  std::string db = tmp.path() + "/gw.db";
  std::string all = tmp.path() + "/all.db";
  std::string out = tmp.path() + "/offload";
  std::shared_ptr<manual_clock> clock
    = std::make_shared<manual_clock>(utc("2024-03-30T22:30:00Z"));
  std::shared_ptr<offload_metrics> metrics
    = std::make_shared<offload_metrics>();

  /// Adds rows to the table and to the record of every row written.
  void add(int64_t n) {
    add_status_rows(db, n);
    add_status_rows(all, n);
  }

  std::unique_ptr<offloader> make(const offload_options& o) {
    return std::make_unique<offloader>(db, o, clock, metrics);
  }

  void check_csv(const std::string& zone, bool guard, int64_t remaining) {
    snapshot_db(db, tmp.path() + "/live.db");
    std::string output;
    auto rc = run_checker(all, tmp.path() + "/live.db", out, zone, guard,
                          remaining, output);
    INFO(output);
    CHECK(rc == 0);
    std::filesystem::remove(tmp.path() + "/live.db");
  }
};

} // namespace

TEST_CASE("rows_to_offload leaves max_entries - amount", "[offload]") {
  CHECK(rows_to_offload(100, 100, 40) == 0);
  CHECK(rows_to_offload(101, 100, 40) == 41);
  CHECK(rows_to_offload(100000, 100, 40) == 99940);
  CHECK(rows_to_offload(150, 100, 100) == 150);
  CHECK(rows_to_offload(0, 100, 40) == 0);
}

TEST_CASE("exact remaining counts at, just over and far over the maximum",
          "[offload]") {
  struct scenario {
    int64_t rows, max, amount, remaining;
  };
  for (auto s : {scenario{100, 100, 40, 100}, scenario{101, 100, 40, 60},
                 scenario{12345, 100, 40, 60}, scenario{150, 100, 100, 0},
                 scenario{1, 1, 1, 1}, scenario{2, 1, 1, 0}}) {
    bench b;
    add_status_rows(b.db, s.rows);
    snapshot_db(b.db, b.all);
    auto o = test_options(b.out, s.max, s.amount);
    auto eng = b.make(o);
    auto rep = eng->run_once();
    INFO(s.rows << " rows, max " << s.max << ", amount " << s.amount);
    CHECK(rep.error.empty());
    CHECK(rep.remaining == s.remaining);
    CHECK(count_status_rows(b.db) == s.remaining);
    CHECK(rep.rows == s.rows - s.remaining);
    CHECK(b.metrics->rows_offloaded == s.rows - s.remaining);
    CHECK(count_pending_batches(b.db) == 0);
    // A second check finds nothing to do.
    CHECK(eng->run_once().rows == 0);
    b.check_csv("UTC", true, s.remaining);
  }
}

TEST_CASE("offloads in one window append to one file with one header",
          "[offload]") {
  bench b;
  auto o = test_options(b.out, 10, 5);
  auto eng = b.make(o);
  b.add(20);
  REQUIRE(eng->run_once().rows == 15);
  b.clock->advance(std::chrono::minutes{20}); // 22:50, same 20-24 window
  b.add(20);
  auto rep = eng->run_once();
  REQUIRE(rep.rows == 20);
  CHECK(rep.files_created == 0);
  CHECK(list_tree(b.out)
        == std::vector<std::string>{"2024_03_30/",
                                    "2024_03_30/Offload_20_4h.csv"});
  auto text = read_file(b.out + "/2024_03_30/Offload_20_4h.csv");
  CHECK(count_of(text, "row_id,request_id") == 1);
  CHECK(b.metrics->files_written == 1);
  CHECK(b.metrics->batches_written == 2);
  b.check_csv("UTC", true, 5);
}

TEST_CASE("a file of this window with the older header gets today's header "
          "before rows are added",
          "[offload][csv]") {
  bench b;
  auto o = test_options(b.out, 10, 5);
  auto eng = b.make(o);
  // What an older gateway wrote in the same window: its header lacks the
  // last two columns.
  auto file = b.out + "/2024_03_30/Offload_20_4h.csv";
  std::filesystem::create_directories(b.out + "/2024_03_30");
  std::string old_header = "row_id,request_id,accepted_at,finished_at,"
                           "action,type,ticket_id,status,reason,source,"
                           "correlation_id,attempts\r\n";
  std::string old_row = "7,r7,2024-03-30T20:01:00.000Z,"
                        "2024-03-30T20:01:01.000Z,create,incident,INC7,"
                        "Succeeded,,\"a,b\",c7,1\r\n";
  write_file(file, old_header + old_row);
  b.add(20);
  auto rep = eng->run_once();
  REQUIRE(rep.error.empty());
  REQUIRE(rep.rows == 15);
  auto text = read_file(file);
  CHECK(count_of(text, "row_id,request_id") == 1);
  CHECK(text.rfind(csv_header(), 0) == 0);
  // The old row got the new columns, empty; the new rows follow it.
  CHECK(text.substr(csv_header().size(), old_row.size() + 2)
        == old_row.substr(0, old_row.size() - 2) + ",,\r\n");
  CHECK(count_of(text, "\r\n") == 1 + 1 + 15);
  CHECK_FALSE(std::filesystem::exists(file + ".rewrite"));
}

TEST_CASE("the fake clock moves offloads across windows and days",
          "[offload]") {
  for (int hours : {1, 4, 24}) {
    bench b;
    auto o = test_options(b.out, 10, 10, "Europe/Berlin", hours);
    auto eng = b.make(o);
    // Berlin (+01:00) 2024-03-30 21:10, then +1h, +3h (next day), +1d
    // (after the change to summer time, +02:00).
    std::vector<std::string> times{"2024-03-30T20:10:00Z",
                                   "2024-03-30T21:10:00Z",
                                   "2024-03-30T23:10:00Z",
                                   "2024-03-31T23:10:00Z"};
    for (auto& t : times) {
      b.clock->set(utc(t));
      b.add(11);
      REQUIRE(eng->run_once().rows == 11);
    }
    std::vector<std::string> want;
    if (hours == 1)
      want = {"2024_03_30/",
              "2024_03_30/Offload_21_1h.csv",
              "2024_03_30/Offload_22_1h.csv",
              "2024_03_31/",
              "2024_03_31/Offload_00_1h.csv",
              "2024_04_01/",
              "2024_04_01/Offload_01_1h.csv"};
    else if (hours == 4)
      want = {"2024_03_30/", "2024_03_30/Offload_20_4h.csv",
              "2024_03_31/", "2024_03_31/Offload_00_4h.csv",
              "2024_04_01/", "2024_04_01/Offload_00_4h.csv"};
    else
      want = {"2024_03_30/", "2024_03_30/Offload_00_24h.csv",
              "2024_03_31/", "2024_03_31/Offload_00_24h.csv",
              "2024_04_01/", "2024_04_01/Offload_00_24h.csv"};
    INFO(hours << "h");
    CHECK(list_tree(b.out) == want);
    b.check_csv("Europe/Berlin", true, 0);
  }
}

TEST_CASE("a zone change at run time renames the next files", "[offload]") {
  bench b;
  auto o = test_options(b.out, 5, 5, "UTC", 4);
  auto eng = b.make(o);
  add_status_rows(b.db, 6);
  REQUIRE(eng->run_once().rows == 6);
  o.timezone = "Asia/Tokyo"; // 22:30 UTC = 07:30 next day in Tokyo
  eng->set_options(o);
  add_status_rows(b.db, 6);
  REQUIRE(eng->run_once().rows == 6);
  CHECK(list_tree(b.out)
        == std::vector<std::string>{"2024_03_30/",
                                    "2024_03_30/Offload_20_4h.csv",
                                    "2024_03_31/",
                                    "2024_03_31/Offload_04_4h.csv"});
}

TEST_CASE("CSV reads back to exactly the rows removed (guard off: byte for "
          "byte, on: the documented ' prefix)",
          "[offload][python]") {
  for (bool guard : {false, true}) {
    bench b;
    add_status_rows(b.db, 200, true);
    snapshot_db(b.db, b.all);
    auto o = test_options(b.out, 50, 30, "Europe/Berlin", 4, guard);
    o.batch_rows = 37; // several batches, one file
    auto eng = b.make(o);
    auto rep = eng->run_once();
    REQUIRE(rep.error.empty());
    CHECK(rep.remaining == 20);
    INFO("guard " << guard);
    b.check_csv("Europe/Berlin", guard, 20);
    auto text = read_file(b.out + "/2024_03_30/Offload_20_4h.csv");
    CHECK(count_of(text, "'=SUM(A1:A9)") == (guard ? count_of(text, "=SUM(A1:A9)") : 0));
    CHECK(count_of(text, "=SUM(A1:A9)") > 0);
    // The checker must also catch a wrong file: flip one byte and re-check.
    auto path = b.out + "/2024_03_30/Offload_20_4h.csv";
    auto broken = text;
    broken[broken.size() - 3] = broken[broken.size() - 3] == '1' ? '2' : '1';
    write_file(path, broken);
    snapshot_db(b.db, b.tmp.path() + "/live.db");
    std::string output;
    CHECK(run_checker(b.all, b.tmp.path() + "/live.db", b.out,
                      "Europe/Berlin", guard, 20, output)
          == 1);
  }
}

TEST_CASE("a restart settles a batch interrupted at every step",
          "[offload][crash]") {
  // A step hook that throws leaves the database and the file exactly as a
  // crash at that point would; a fresh offloader plays the restart.
  struct crash_at {
    const char* step;
    int64_t cut; // < 0: leave the file as written; else bytes to keep
  };
  for (auto c : {crash_at{"marked", -1}, crash_at{"written", -1},
                 crash_at{"written", 0}, crash_at{"written", 100},
                 crash_at{"deleted", -1}}) {
    INFO(c.step << " cut " << c.cut);
    bench b;
    add_status_rows(b.db, 120, true);
    snapshot_db(b.db, b.all);
    auto o = test_options(b.out, 50, 50, "UTC", 4);
    o.batch_rows = 30;
    {
      // First an uneventful batch so that the file has a header and rows.
      auto warm = test_options(b.out, 100, 10, "UTC", 4);
      auto eng = b.make(warm);
      REQUIRE(eng->run_once().rows == 30);
    }
    auto file = b.out + "/2024_03_30/Offload_20_4h.csv";
    auto size_before = static_cast<int64_t>(read_file(file).size());
    {
      auto eng = b.make(o);
      eng->set_step_hook([&](std::string_view step, const std::string&) {
        if (step == c.step)
          throw std::runtime_error("crash");
      });
      auto rep = eng->run_once();
      CHECK(rep.error == "crash");
    }
    if (c.cut >= 0)
      std::filesystem::resize_file(file, size_before + c.cut);
    auto restarted = b.make(o);
    auto rep = restarted->run_once();
    CHECK(rep.error.empty());
    CHECK(rep.recovered == (std::string{c.step} == "deleted" ? 0 : 1));
    CHECK(count_pending_batches(b.db) == 0);
    CHECK(count_status_rows(b.db) == 0);
    b.check_csv("UTC", true, 0);
  }
}
