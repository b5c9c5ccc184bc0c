#include "actors/offload_scheduler.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "offload/offloader.hpp"

namespace usms {

namespace {

// The timer message is private; it carries a generation so that a changed
// interval replaces the pending timer instead of adding a second one.
using scheduler_impl
  = offload_scheduler_actor::extend<caf::reacts_to<tick_atom, uint64_t>>;

struct scheduler_state {
  std::unique_ptr<offload::offloader> engine;
  uint64_t generation = 0;
  bool periodic = true;
  std::string last_error;
  std::shared_ptr<const cluster_board> leader;
  static inline const char* name = "offload_scheduler";
};

std::chrono::milliseconds interval_of(const offload::offload_options& o) {
  return std::chrono::milliseconds{std::max<int64_t>(o.check_interval_ms, 10)};
}

scheduler_impl::behavior_type
scheduler(scheduler_impl::stateful_pointer<scheduler_state> self,
          std::string db_path, offload::offload_options opts,
          std::shared_ptr<offload::offload_clock> clock,
          std::shared_ptr<offload::offload_metrics> metrics, bool periodic,
          std::shared_ptr<const cluster_board> leader) {
  auto& st = self->state;
  st.leader = std::move(leader);
  st.engine = std::make_unique<offload::offloader>(
    std::move(db_path), std::move(opts), std::move(clock), std::move(metrics));
  st.periodic = periodic;
  auto check = [self]() {
    auto& st = self->state;
    auto rep = st.engine->run_once();
    if (!rep.error.empty()) {
      // Every check retries; say it loudly once per distinct failure.
      if (rep.error != st.last_error)
        spdlog::error("offload failed, the rows stay in the status table: {}",
                      rep.error);
      else
        spdlog::debug("offload still failing: {}", rep.error);
      st.last_error = rep.error;
    } else {
      if (!st.last_error.empty())
        spdlog::info("offload works again");
      st.last_error.clear();
    }
    if (rep.recovered > 0)
      spdlog::warn("offload settled {} batch(es) an earlier run left "
                   "unfinished",
                   rep.recovered);
    if (rep.rows > 0)
      spdlog::info("offloaded {} status rows to {} ({} batches, {} new "
                   "files); {} rows remain",
                   rep.rows, st.engine->options().path, rep.batches,
                   rep.files_created, rep.remaining);
    return rep;
  };
  if (periodic) // the first check at once: it settles a crash's batch
    self->send(self, tick_atom_v, st.generation);
  return {
    [=](settings_atom, offload::offload_options& o) {
      auto& st = self->state;
      bool new_interval
        = o.check_interval_ms != st.engine->options().check_interval_ms;
      st.engine->set_options(std::move(o));
      if (st.periodic && new_interval) {
        ++st.generation;
        self->delayed_send(self, interval_of(st.engine->options()),
                           tick_atom_v, st.generation);
      }
    },
    [=](offload_atom) -> offload::offload_report { return check(); },
    [=](tick_atom, uint64_t generation) {
      auto& st = self->state;
      if (generation != st.generation)
        return;
      if (runs_here(st.leader))
        check();
      self->delayed_send(self, interval_of(st.engine->options()), tick_atom_v,
                         st.generation);
    },
  };
}

} // namespace

offload_scheduler_actor
spawn_offload_scheduler(caf::actor_system& sys, const std::string& db_path,
                        offload::offload_options opts,
                        std::shared_ptr<offload::offload_clock> clock,
                        std::shared_ptr<offload::offload_metrics> metrics,
                        bool periodic,
                        std::shared_ptr<const cluster_board> leader) {
  return sys.spawn<caf::detached>(scheduler, db_path, std::move(opts),
                                  std::move(clock), std::move(metrics),
                                  periodic, std::move(leader));
}

} // namespace usms
