#include "actors/ops_store.hpp"

#include <algorithm>
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

// The sampler's tick is private: it goes only from the store to itself. It
// carries a generation so ticks scheduled under old settings are dropped.
using ops_store_impl
  = ops_store_actor::extend<caf::reacts_to<ops_sample_atom, uint64_t>>;

/// How soon to try telling the routes again when reading them failed.
constexpr auto routes_retry = std::chrono::seconds(1);

struct ops_store_state {
  std::shared_ptr<storage::operator_store> db;
  trend_settings trend;
  uint64_t generation = 0;
  reply_actor route_listener;
  /// Samples are taken only while this instance leads (null: alone).
  std::shared_ptr<const cluster_board> leader;
  static inline const char* name = "ops_store";
};

caf::error storage_error(const std::exception& e) {
  return caf::make_error(gateway_errc::storage, std::string{e.what()});
}

/// Runs `fn` against the database, turning an exception into an error.
template <class F>
auto guarded(ops_store_state& st, F&& fn)
  -> caf::result<decltype(fn(*st.db))> {
  try {
    return fn(*st.db);
  } catch (const std::exception& e) {
    spdlog::error("operator store: {}", e.what());
    return storage_error(e);
  }
}

/// Counts the status rows, stores the sample at the start of the current
/// interval, drops samples past `keep`, and schedules the next tick at the
/// start of the next interval.
void sample(ops_store_impl::stateful_pointer<ops_store_state> self) {
  auto& st = self->state;
  auto interval = std::max<int64_t>(1, st.trend.interval_ms);
  auto now = now_ms();
  // One instance of a cluster samples: the table is the same for all.
  bool leads = runs_here(st.leader);
  try {
    if (leads) {
      auto slot = now - now % interval;
      st.db->add_trend_sample(slot, st.db->status_entries());
      st.db->prune_trend(now - st.trend.keep_ms);
    }
  } catch (const std::exception& e) {
    // A missed sample is a gap in a chart; the next tick tries again.
    spdlog::warn("trend sample failed: {}", e.what());
  }
  // A little past the boundary, so the next sample lands in the next slot;
  // an instance that does not lead looks again shortly (a flag, no query),
  // so that it takes the current slot's sample soon after it comes to lead.
  auto delay = interval - now % interval + 5;
  if (!leads)
    delay = std::min<int64_t>(delay, 100);
  self->delayed_send(self, std::chrono::milliseconds(delay), ops_sample_atom_v,
                     st.generation);
}

/// Sends the listener every route; on a database failure, tries again
/// shortly (until then the reply dispatcher holds routed replies back).
void tell_routes(ops_store_impl::stateful_pointer<ops_store_state> self) {
  auto& st = self->state;
  if (!st.route_listener)
    return;
  try {
    self->send(st.route_listener, ops_route_atom_v,
               route_list{st.db->routes()});
  } catch (const std::exception& e) {
    spdlog::warn("reply routes not read yet: {}", e.what());
    self->delayed_send(self, routes_retry, reply_route_atom_v);
  }
}

ops_store_impl::behavior_type
ops_store(ops_store_impl::stateful_pointer<ops_store_state> self,
          std::shared_ptr<storage::operator_store> database,
          trend_settings trend, reply_actor route_listener,
          std::shared_ptr<const cluster_board> leader) {
  self->state.db = std::move(database);
  self->state.leader = std::move(leader);
  self->state.trend = trend;
  self->state.route_listener = std::move(route_listener);
  sample(self);
  tell_routes(self);
  auto& st = self->state;
  return {
    [&st](ops_status_atom, const status_filter& f) {
      return guarded(st, [&](auto& d) { return d.status(f); });
    },
    [&st](ops_status_atom) {
      return guarded(st, [](auto& d) { return d.status_entries(); });
    },
    [&st](ops_trend_atom, int64_t since, int64_t until) {
      return guarded(st, [&](auto& d) {
        return trend_series{d.trend(since, until)};
      });
    },
    [self, &st](ops_trend_atom, trend_settings next) {
      st.trend = next;
      ++st.generation;
      sample(self);
    },
    [&st](ops_queue_atom, const queue_filter& f) {
      return guarded(st, [&](auto& d) { return d.queue(f); });
    },
    [&st](ops_route_atom) {
      return guarded(st, [](auto& d) { return route_list{d.routes()}; });
    },
    [&st](ops_route_atom, caf::get_atom, const std::string& source) {
      return guarded(st, [&](auto& d) {
        return d.route(source).value_or(std::string{});
      });
    },
    [self, &st](ops_route_atom, caf::put_atom, const std::string& source,
                const std::string& url) {
      auto saved = guarded(st, [&](auto& d) {
        d.put_route(source, url);
        return true;
      });
      tell_routes(self);
      return saved;
    },
    [self, &st](ops_route_atom, caf::delete_atom, const std::string& source) {
      auto deleted = guarded(st, [&](auto& d) {
        return d.delete_route(source);
      });
      tell_routes(self);
      return deleted;
    },
    [&st](reply_route_atom, const std::string& source) {
      return guarded(st, [&](auto& d) { return d.find_route(source); });
    },
    [&st](ops_config_atom) {
      return guarded(st, [](auto& d) {
        return runtime_values{d.runtime_config()};
      });
    },
    [&st](ops_config_atom, caf::put_atom, const runtime_values& v) {
      return guarded(st, [&](auto& d) {
        return runtime_values{d.save_runtime_config(v.values)};
      });
    },
    [&st](ops_config_atom, caf::reset_atom, const runtime_values& v) {
      return guarded(st, [&](auto& d) {
        d.replace_runtime_config(v.values);
        return true;
      });
    },
    [&st](shared_atom) {
      return guarded(st, [](auto& d) {
        return runtime_values{d.shared_state()};
      });
    },
    [&st](shared_atom, caf::put_atom, const std::string& key,
          const std::string& value) {
      return guarded(st, [&](auto& d) {
        d.put_shared_state(key, value);
        return true;
      });
    },
    [self, &st](ops_sample_atom, uint64_t generation) {
      if (generation == st.generation)
        sample(self);
    },
    [self](reply_route_atom) { tell_routes(self); },
  };
}

} // namespace

ops_store_actor spawn_ops_store(caf::actor_system& sys, const std::string& db,
                                trend_settings trend,
                                reply_actor route_listener,
                                std::shared_ptr<const cluster_board> leader) {
  std::shared_ptr<storage::operator_store> store
    = storage::open_backend(db)->open_operator();
  return sys.spawn<caf::detached>(ops_store, std::move(store), trend,
                                  std::move(route_listener),
                                  std::move(leader));
}

ops_store_actor spawn_ops_store(caf::actor_system& sys, const std::string& db,
                                trend_settings trend) {
  return spawn_ops_store(sys, db, trend, reply_actor{});
}

} // namespace usms
