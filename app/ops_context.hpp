#pragma once

/// What the operator routes need from the gateway: the actor system, the
/// ops store that answers their database questions, and the settings in
/// force with the way to change them.

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "actors/ops_store.hpp"
#include "actors/usms_board.hpp"
#include "caf/typed_actor.hpp"
#include "config/loader.hpp"

namespace usms::app {

/// How long a route waits for the ops store before answering 503 `busy`.
inline constexpr std::chrono::seconds ops_store_timeout{30};

struct ops_context {
  caf::actor_system* sys = nullptr;
  ops_store_actor store;
  /// Where USMS stands (requests waiting while it may not be called are
  /// shown as held); may be null.
  std::shared_ptr<const usms_board> board;
  /// The settings in force now (thread-safe; called from I/O threads).
  std::function<config::loaded()> get_config;
  /// Puts merged, validated settings in force (pipeline actors, live
  /// rules); `runtime_json` holds the keys that changed source to
  /// `runtime`. Returns "" on success, else why not (nothing applied); a
  /// message starting with a dotted key and `:` names that key. Called
  /// after the values are saved; a failure puts the saved values back.
  std::function<std::string(config::loaded new_settings,
                            std::map<std::string, std::string> runtime_json)>
    apply_config;
  /// Optional: called once a reply route is saved, so that requests
  /// finishing from now on know at once that a reply may be due.
  std::function<void()> on_route_saved;
};

/// The sampler settings of `s` (trend.interval, trend.keep).
inline trend_settings trend_from(const config::settings& s) {
  return {s.trend.interval.count(), s.trend.keep.count()};
}

} // namespace usms::app
