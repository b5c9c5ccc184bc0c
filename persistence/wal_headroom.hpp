#pragma once

/// Written file space ahead of the WAL's last frame, so that a commit
/// overwrites blocks the log file already has instead of growing it.
///
/// Why: a commit that grows the file makes its fdatasync also commit the
/// file system's journal (the new size, the new blocks); one that writes
/// inside the file flushes its data only. On this project's disks that is
/// about half the time of a commit (docs/performance.md). SQLite grows the
/// WAL until a checkpoint lets it start over from the beginning, and under
/// a sustained burst that never happens: every commit grew it.
///
/// How: after each of the journal connection's commits, SQLite's WAL hook
/// tells the number of frames in the log; before the next COMMIT (the
/// group's transaction holds the write lock, so no other connection can
/// write the log meanwhile), when the frames come within half a stretch of
/// the file's end, a stretch of zeros is written after the end. The zeros
/// become durable with that commit's fdatasync. SQLite never reads past
/// its last frame but to recover, and a zero frame fails its checksum
/// there: the bytes after the last frame are what any restarted WAL holds
/// anyway, the old frames of before.

#include <cstdint>

#include "persistence/sqlite.hpp"

struct sqlite3;

namespace usms::db {

class wal_headroom {
public:
  /// Zeros written at a time: 1 MiB keeps the write (~0.1–0.4 ms, into the
  /// page cache) rare, one in ~40 commits of a storm.
  static constexpr int64_t stretch = 1 << 20;

  /// Installs the WAL hook on `db` (the journal connection: it replaces
  /// SQLite's automatic checkpoint hook, which schema.cpp turned off).
  explicit wal_headroom(database& db);
  wal_headroom(const wal_headroom&) = delete;
  wal_headroom& operator=(const wal_headroom&) = delete;

  /// Call inside the write transaction, just before its COMMIT. Zeros that
  /// cannot be written (a disk that is nearly full) are left out: the
  /// commit then grows the file as it would without them, and fails or
  /// not on its own.
  void before_commit();

private:
  static int on_commit(void* self, sqlite3* db, const char* schema,
                       int frames);

  database& db_;
  int64_t frame_bytes_;
  /// Frames in the log after the last commit, as the WAL hook said.
  int64_t frames_ = 0;
};

} // namespace usms::db
