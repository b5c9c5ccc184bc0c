#include "actors/alarm_reader.hpp"

#include <memory>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "messages/caf/errors.hpp"
#include "persistence/backend.hpp"

namespace usms {

namespace {

struct alarm_reader_state {
  std::shared_ptr<storage::alarm_store> db;
  static inline const char* name = "alarm-reader";
};

/// Runs one read; a storage failure becomes an error answer.
template <class F>
auto guarded(F&& read) -> caf::result<decltype(read())> {
  try {
    return read();
  } catch (const std::exception& e) {
    return caf::make_error(gateway_errc::storage, std::string{e.what()});
  }
}

alarm_reader_actor::behavior_type
alarm_reader(alarm_reader_actor::stateful_pointer<alarm_reader_state> self,
             std::shared_ptr<storage::alarm_store> db) {
  self->state.db = std::move(db);
  auto& d = *self->state.db;
  return {
    [&d](alarm_atom, caf::get_atom, const std::string& key) {
      return guarded([&] {
        std::vector<stored_alarm> out;
        if (auto a = d.alarm(key))
          out.push_back(std::move(*a));
        return out;
      });
    },
    [&d](alarm_atom, load_atom, const std::vector<std::string>& keys) {
      return guarded([&] { return d.alarms(keys); });
    },
    [&d](alarm_atom, const alarm_filter& f) {
      return guarded([&] { return d.list(f); });
    },
    [&d](alarm_atom, index_atom, const std::vector<std::string>& tickets) {
      return guarded([&] { return d.by_tickets(tickets); });
    },
    [&d](alarm_atom, sweep_atom, int64_t before, int32_t limit) {
      return guarded([&] { return d.resolved_before(before, limit); });
    },
    [&d](alarm_atom, start_atom) {
      return guarded([&] { return d.startup(); });
    },
  };
}

} // namespace

alarm_reader_actor spawn_alarm_reader(caf::actor_system& sys,
                                      const std::string& db) {
  std::shared_ptr<storage::alarm_store> store
    = storage::open_backend(db)->open_alarms();
  return sys.spawn<caf::detached>(alarm_reader, std::move(store));
}

} // namespace usms
