// The journal's room ahead of the WAL's last frame: a burst of commits
// overwrites blocks the log file has instead of growing it at every
// commit, and a crash image of such a log (zeros after its last frame)
// recovers every committed request and takes new ones.

#include "persistence/wal_headroom.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "persistence/journal_db.hpp"
#include "tests/support/test_support.hpp"

using namespace usms;

namespace {

ticket_request create(int n) {
  ticket_request r;
  r.id = "r" + std::to_string(n);
  r.fields["Summary"] = std::string(600, 's'); // a storm's alarm text
  r.source = "nms";
  r.external_reference = r.id;
  r.accepted_at = 1000 + n;
  return r;
}

/// Where the log's last committed frame ends, from the shared-memory
/// index's header (SQLite's documented WAL-index format: mxFrame, a native
/// 32-bit count at byte 16) and the page size.
int64_t log_end(const std::string& db_path) {
  std::ifstream shm{db_path + "-shm", std::ios::binary};
  char header[20] = {};
  shm.read(header, sizeof header);
  REQUIRE(shm.good());
  uint32_t frames = 0;
  std::memcpy(&frames, header + 16, sizeof frames);
  return 32 + int64_t{frames} * (24 + 4096);
}

int64_t log_size(const std::string& db_path) {
  return static_cast<int64_t>(std::filesystem::file_size(db_path + "-wal"));
}

} // namespace

TEST_CASE("the journal's commits write inside room the log has ahead",
          "[storage][wal]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  db::journal_db journal{path};

  // 400 groups of 10: ~12 MiB of log, one commit after another as in a
  // storm (nothing checkpoints it meanwhile).
  int commits = 0, grew = 0;
  int64_t before = log_size(path);
  for (int g = 0; g < 400; ++g) {
    journal.begin();
    for (int i = 0; i < 10; ++i)
      journal.append(create(g * 10 + i));
    journal.commit();
    ++commits;
    auto size = log_size(path);
    INFO("group " << g << ": log end " << log_end(path) << ", file " << size);
    REQUIRE(size > log_end(path)); // room ahead after every commit
    if (size != before)
      ++grew;
    before = size;
  }
  // Without the room every commit grows the file; with it, one in ~30
  // here (a stretch of 1 MiB, ~33 KiB of frames a group).
  INFO(grew << " of " << commits << " commits grew the log");
  CHECK(grew * 10 < commits);
  // What is after the last frame is zeros or old frames, never past the
  // stretch: the file stays within a stretch of its frames.
  CHECK(log_size(path) - log_end(path) <= db::wal_headroom::stretch);
}

TEST_CASE("a crash image of a log with room ahead recovers every committed "
          "request",
          "[storage][wal]") {
  test::temp_dir dir;
  auto path = dir.path() + "/gw.db";
  auto image = dir.path() + "/image.db";
  {
    db::journal_db journal{path};
    for (int g = 0; g < 60; ++g) {
      journal.begin();
      for (int i = 0; i < 10; ++i)
        journal.append(create(g * 10 + i));
      journal.commit();
    }
    REQUIRE(log_size(path) > log_end(path));
    // The files as a crash leaves them: the log not checkpointed, zeros
    // after its last frame, no shared-memory index (rebuilt from the log).
    std::filesystem::copy_file(path, image);
    std::filesystem::copy_file(path + "-wal", image + "-wal");
  }
  db::journal_db recovered{image};
  auto rows = recovered.load_unfinished();
  REQUIRE(rows.size() == 600);
  CHECK(rows.front().request.id == "r0");
  CHECK(rows.back().request.id == "r599");
  // And it goes on: new commits after the recovered frames.
  recovered.begin();
  recovered.append(create(600));
  recovered.commit();
  CHECK(recovered.load("r600"));
  CHECK(recovered.load("r599"));
}
