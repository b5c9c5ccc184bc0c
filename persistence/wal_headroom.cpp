#include "persistence/wal_headroom.hpp"

#include <sqlite3.h>

#include <array>
#include <string_view>

namespace usms::db {

namespace {

/// SQLite's WAL layout: a 32-byte header, then frames of a 24-byte header
/// and one page each.
constexpr int64_t wal_header_bytes = 32;
constexpr int64_t frame_header_bytes = 24;

int64_t page_size(database& db) {
  auto s = db.prepare("PRAGMA page_size");
  return s.step() ? s.int64(0) : 4096;
}

} // namespace

wal_headroom::wal_headroom(database& db)
  : db_(db), frame_bytes_(frame_header_bytes + page_size(db)) {
  sqlite3_wal_hook(db_.handle(), &wal_headroom::on_commit, this);
}

int wal_headroom::on_commit(void* self, sqlite3*, const char* schema,
                            int frames) {
  if (std::string_view{schema} == "main")
    static_cast<wal_headroom*>(self)->frames_ = frames;
  return SQLITE_OK;
}

void wal_headroom::before_commit() {
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db_.handle(), "main", SQLITE_FCNTL_JOURNAL_POINTER,
                           &wal)
        != SQLITE_OK
      || wal == nullptr || wal->pMethods == nullptr)
    return; // no log open (not in WAL mode): nothing to keep ahead of
  sqlite3_int64 size = 0;
  if (wal->pMethods->xFileSize(wal, &size) != SQLITE_OK)
    return;
  // The group's own frames go after the last commit's; any a big group has
  // spilled already lie before `size`, so the zeros never cover a frame.
  int64_t end = wal_header_bytes + frames_ * frame_bytes_;
  if (end + stretch / 2 <= size)
    return;
  static const std::array<char, 64 * 1024> zeros{};
  for (int64_t off = 0; off < stretch; off += int64_t{zeros.size()}) {
    if (wal->pMethods->xWrite(wal, zeros.data(),
                              static_cast<int>(zeros.size()), size + off)
        != SQLITE_OK)
      return;
  }
}

} // namespace usms::db
