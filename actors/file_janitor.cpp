#include "actors/file_janitor.hpp"

#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "caf/actor_system.hpp"
#include "caf/stateful_actor.hpp"
#include "caf/typed_event_based_actor.hpp"
#include "offload/janitor.hpp"

namespace usms {

namespace {

using janitor_impl
  = file_janitor_actor::extend<caf::reacts_to<tick_atom, uint64_t>>;

struct janitor_state {
  offload::offload_options opts;
  std::shared_ptr<offload::offload_clock> clock;
  std::shared_ptr<offload::offload_metrics> metrics;
  uint64_t generation = 0;
  bool periodic = true;
  std::shared_ptr<const cluster_board> leader;
  static inline const char* name = "file_janitor";
};

std::chrono::milliseconds interval_of(const offload::offload_options& o) {
  return std::chrono::milliseconds{std::max<int64_t>(o.check_interval_ms, 10)};
}

offload::janitor_report sweep_now(janitor_state& st) {
  offload::janitor_report rep;
  if (st.opts.retention_ms <= 0)
    return rep; // disabled: keep everything
  auto zone = offload::resolve_zone(st.opts.timezone);
  if (!zone) {
    rep.error = zone.error().message;
  } else {
    rep = offload::sweep(st.opts.path, st.clock->now(),
                         std::chrono::milliseconds{st.opts.retention_ms},
                         *zone);
  }
  for (auto& rel : rep.removed)
    spdlog::info("file janitor removed {}/{}", st.opts.path, rel);
  st.metrics->files_removed.fetch_add(rep.files);
  st.metrics->folders_removed.fetch_add(rep.folders);
  if (!rep.error.empty()) {
    st.metrics->janitor_failures.fetch_add(1);
    spdlog::error("file janitor: {}", rep.error);
  }
  return rep;
}

janitor_impl::behavior_type
janitor(janitor_impl::stateful_pointer<janitor_state> self,
        offload::offload_options opts,
        std::shared_ptr<offload::offload_clock> clock,
        std::shared_ptr<offload::offload_metrics> metrics, bool periodic,
        std::shared_ptr<const cluster_board> leader) {
  auto& st = self->state;
  st.leader = std::move(leader);
  st.opts = std::move(opts);
  st.clock = std::move(clock);
  st.metrics = std::move(metrics);
  st.periodic = periodic;
  if (periodic)
    self->send(self, tick_atom_v, st.generation);
  return {
    [=](settings_atom, offload::offload_options& o) {
      auto& st = self->state;
      bool new_interval = o.check_interval_ms != st.opts.check_interval_ms;
      st.opts = std::move(o);
      if (st.periodic && new_interval) {
        ++st.generation;
        self->delayed_send(self, interval_of(st.opts), tick_atom_v,
                           st.generation);
      }
    },
    [=](sweep_atom) -> offload::janitor_report {
      return sweep_now(self->state);
    },
    [=](tick_atom, uint64_t generation) {
      auto& st = self->state;
      if (generation != st.generation)
        return;
      if (runs_here(st.leader))
        sweep_now(st);
      self->delayed_send(self, interval_of(st.opts), tick_atom_v,
                         st.generation);
    },
  };
}

} // namespace

file_janitor_actor
spawn_file_janitor(caf::actor_system& sys, offload::offload_options opts,
                   std::shared_ptr<offload::offload_clock> clock,
                   std::shared_ptr<offload::offload_metrics> metrics,
                   bool periodic,
                   std::shared_ptr<const cluster_board> leader) {
  return sys.spawn<caf::detached>(janitor, std::move(opts), std::move(clock),
                                  std::move(metrics), periodic,
                                  std::move(leader));
}

} // namespace usms
