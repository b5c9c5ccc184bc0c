#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include "offload/janitor.hpp"
#include "tests/offload/offload_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;
using namespace usms::offload;
using namespace usms::test;
namespace fs = std::filesystem;

namespace {

void touch(const std::string& path) {
  fs::create_directories(fs::path{path}.parent_path());
  write_file(path, "x\r\n");
}

zone_ptr utc_zone() {
  return *resolve_zone("UTC");
}

} // namespace

TEST_CASE("retention deletes exactly what is too old and nothing foreign",
          "[offload][janitor]") {
  temp_dir tmp;
  temp_dir elsewhere;
  auto root = tmp.path() + "/offload";
  // now 2024-03-31 12:00 UTC, 7 days: the cut is 2024-03-24 12:00.
  touch(root + "/2024_03_24/Offload_04_4h.csv"); // ended 08:00: too old
  touch(root + "/2024_03_24/Offload_08_4h.csv"); // ended 12:00: too old
  touch(root + "/2024_03_24/Offload_12_4h.csv"); // ends 16:00: kept
  touch(root + "/2024_03_20/Offload_00_24h.csv");
  touch(root + "/2024_03_20/Offload_20_4h.csv");
  touch(root + "/2024_03_19/Offload_00_4h.csv");
  touch(root + "/2024_03_19/notes.txt");         // foreign: keeps its folder
  touch(root + "/2024_03_19/Offload_03_4h.csv"); // not a window: foreign
  touch(root + "/2024_03_19/Offload_00_5h.csv"); // 5 does not divide 24
  touch(root + "/Offload_00_4h.csv");            // not in a day folder
  touch(root + "/foreign.csv");
  touch(root + "/2024_13_01/Offload_00_4h.csv"); // no such day
  // Links are never followed nor removed, whatever their names.
  touch(elsewhere.path() + "/target.csv");
  touch(elsewhere.path() + "/2024_03_01/Offload_00_4h.csv");
  fs::create_directories(root + "/2024_03_18");
  fs::create_symlink(elsewhere.path() + "/target.csv",
                     root + "/2024_03_18/Offload_00_4h.csv");
  fs::create_directory_symlink(elsewhere.path() + "/2024_03_01",
                               root + "/2024_03_17");

  auto before_elsewhere = list_tree(elsewhere.path());
  auto rep = sweep(root, utc("2024-03-31T12:00:00Z"),
                   std::chrono::hours{7 * 24}, utc_zone());
  CHECK(rep.error.empty());
  INFO(Catch::Detail::stringify(rep.removed));
  CHECK(rep.files == 5);
  CHECK(rep.folders == 1);
  CHECK(rep.removed
        == std::vector<std::string>{"2024_03_19/Offload_00_4h.csv",
                                    "2024_03_20/Offload_00_24h.csv",
                                    "2024_03_20/Offload_20_4h.csv",
                                    "2024_03_20",
                                    "2024_03_24/Offload_04_4h.csv",
                                    "2024_03_24/Offload_08_4h.csv"});
  CHECK(list_tree(root)
        == std::vector<std::string>{"2024_03_17",
                                    "2024_03_18/",
                                    "2024_03_18/Offload_00_4h.csv",
                                    "2024_03_19/",
                                    "2024_03_19/Offload_00_5h.csv",
                                    "2024_03_19/Offload_03_4h.csv",
                                    "2024_03_19/notes.txt",
                                    "2024_03_24/",
                                    "2024_03_24/Offload_12_4h.csv",
                                    "2024_13_01/",
                                    "2024_13_01/Offload_00_4h.csv",
                                    "Offload_00_4h.csv",
                                    "foreign.csv"});
  CHECK(list_tree(elsewhere.path()) == before_elsewhere);
  CHECK(fs::is_symlink(root + "/2024_03_18/Offload_00_4h.csv"));

  // A second sweep finds nothing more.
  auto again = sweep(root, utc("2024-03-31T12:00:00Z"),
                     std::chrono::hours{7 * 24}, utc_zone());
  CHECK(again.removed.empty());
}

TEST_CASE("disabled retention deletes nothing", "[offload][janitor]") {
  temp_dir tmp;
  auto root = tmp.path() + "/offload";
  touch(root + "/2001_01_01/Offload_00_24h.csv");
  auto before = list_tree(root);
  auto rep = sweep(root, utc("2024-03-31T12:00:00Z"),
                   std::chrono::milliseconds{0}, utc_zone());
  CHECK(rep.removed.empty());
  CHECK(list_tree(root) == before);
}

TEST_CASE("a missing offload folder is no error", "[offload][janitor]") {
  temp_dir tmp;
  auto rep = sweep(tmp.path() + "/none", utc("2024-03-31T12:00:00Z"),
                   std::chrono::hours{24}, utc_zone());
  CHECK(rep.error.empty());
  CHECK(rep.removed.empty());
}

TEST_CASE("file ages are read in the offload zone", "[offload][janitor]") {
  temp_dir tmp;
  auto root = tmp.path() + "/offload";
  // Tokyo's 2024-03-30 ends at 2024-03-30T15:00Z.
  touch(root + "/2024_03_30/Offload_00_24h.csv");
  auto tokyo = *resolve_zone("Asia/Tokyo");
  auto kept = sweep(root, utc("2024-03-31T14:59:59Z"), std::chrono::hours{24},
                    tokyo);
  CHECK(kept.removed.empty());
  auto gone = sweep(root, utc("2024-03-31T15:00:00Z"), std::chrono::hours{24},
                    tokyo);
  CHECK(gone.files == 1);
  CHECK(gone.folders == 1);
}
