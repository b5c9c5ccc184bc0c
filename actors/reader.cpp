#include "actors/reader.hpp"

#include <chrono>
#include <memory>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "persistence/backend.hpp"

namespace usms {

namespace {

using reader_impl = reader_actor::extend<caf::reacts_to<tick_atom>>;

constexpr auto maintenance_interval = std::chrono::seconds(1);

struct reader_state {
  std::shared_ptr<storage::read_store> db;
  static inline const char* name = "reader";
};

caf::error storage_error(const std::exception& e) {
  return caf::make_error(gateway_errc::storage, std::string{e.what()});
}

reader_impl::behavior_type
reader(reader_impl::stateful_pointer<reader_state> self,
       std::shared_ptr<storage::read_store> db) {
  self->state.db = std::move(db);
  self->delayed_send(self, maintenance_interval, tick_atom_v);
  return {
    [=](caf::get_atom, const std::string& id)
      -> caf::result<std::vector<request_record>> {
      try {
        std::vector<request_record> out;
        if (auto rec = self->state.db->request(id))
          out.push_back(std::move(*rec));
        return out;
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](load_atom, const std::vector<int64_t>& seqs)
      -> caf::result<std::vector<request_record>> {
      try {
        return self->state.db->requests_by_seq(seqs);
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](index_atom, int32_t state, int64_t after_seq, int32_t limit)
      -> caf::result<std::vector<index_row>> {
      try {
        return self->state.db->unfinished_index(
          static_cast<request_state>(state), after_seq, limit);
      } catch (const std::exception& e) {
        return storage_error(e);
      }
    },
    [=](tick_atom) {
      try {
        self->state.db->maintain();
      } catch (const std::exception& e) {
        spdlog::warn("storage housekeeping failed: {}", e.what());
      }
      self->delayed_send(self, maintenance_interval, tick_atom_v);
    },
  };
}

} // namespace

reader_actor spawn_reader(caf::actor_system& sys, const std::string& db) {
  std::shared_ptr<storage::read_store> store
    = storage::open_backend(db)->open_reader();
  return sys.spawn<caf::detached>(reader, std::move(store));
}

} // namespace usms
