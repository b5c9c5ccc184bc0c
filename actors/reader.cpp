#include "actors/reader.hpp"

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "persistence/journal_db.hpp"
#include "persistence/schema.hpp"

namespace usms {

namespace {

using reader_impl = reader_actor::extend<caf::reacts_to<tick_atom>>;

constexpr auto checkpoint_interval = std::chrono::seconds(1);

struct reader_state {
  std::unique_ptr<db::database> db;
  std::unique_ptr<db::statement> by_id;
  /// WAL frames at the last tick: unchanged and all copied = idle.
  int last_log_frames = -1;
  static inline const char* name = "reader";
};

caf::error storage_error(const std::exception& e) {
  return caf::make_error(gateway_errc::storage, std::string{e.what()});
}

reader_impl::behavior_type
reader(reader_impl::stateful_pointer<reader_state> self, std::string path) {
  auto& st = self->state;
  st.db = std::make_unique<db::database>(path);
  st.by_id = std::make_unique<db::statement>(
    st.db->prepare(std::string{"SELECT "} + db::request_columns
                   + " FROM requests WHERE id = ?1"));
  self->delayed_send(self, checkpoint_interval, tick_atom_v);
  return {
    [=](caf::get_atom, const std::string& id)
      -> caf::result<std::vector<request_record>> {
      try {
        auto& q = self->state.by_id->reset();
        q.bind(1, id);
        std::vector<request_record> out;
        if (q.step())
          out.push_back(db::read_request_row(q));
        q.reset();
        return out;
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](tick_atom) {
      // PASSIVE never blocks the writer; it copies what it can.
      int log_frames = 0;
      int copied = 0;
      auto rc = sqlite3_wal_checkpoint_v2(self->state.db->handle(), nullptr,
                                          SQLITE_CHECKPOINT_PASSIVE,
                                          &log_frames, &copied);
      if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        spdlog::warn("WAL checkpoint failed: {}",
                     sqlite3_errmsg(self->state.db->handle()));
      // Idle (no new frames for a tick) and all copied: give the WAL's
      // disk space back. Without a busy wait: should a writer start right
      // now, TRUNCATE gives up at once instead of holding it back.
      auto& last = self->state.last_log_frames;
      if (rc == SQLITE_OK && log_frames > 0 && copied == log_frames
          && log_frames == last) {
        auto* handle = self->state.db->handle();
        sqlite3_busy_timeout(handle, 0);
        rc = sqlite3_wal_checkpoint_v2(handle, nullptr,
                                       SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                       &copied);
        sqlite3_busy_timeout(handle, db::busy_timeout_ms);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
          spdlog::warn("WAL truncation failed: {}",
                       sqlite3_errmsg(self->state.db->handle()));
      }
      last = log_frames;
      self->delayed_send(self, checkpoint_interval, tick_atom_v);
    },
  };
}

} // namespace

reader_actor spawn_reader(caf::actor_system& sys, const std::string& path) {
  return sys.spawn<caf::detached>(reader, path);
}

} // namespace usms
