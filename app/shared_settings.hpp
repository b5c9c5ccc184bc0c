#pragma once

/// What the instances of a cluster share besides the journal: the runtime
/// config, the reply routes and an operator's USMS pause. The instance that
/// changes one writes it to the storage; every instance polls the storage's
/// shared version (the cluster member does, about once a second) and, when
/// it moved, reads the shared settings again and applies what changed here.

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "actors/handles.hpp"
#include "actors/ops_store.hpp"
#include "caf/typed_actor.hpp"
#include "config/loader.hpp"

namespace usms::app {

/// The shared-state key of an operator's USMS pause: `paused` or `running`.
inline constexpr const char* dispatch_key = "usms.dispatch";

class shared_settings : public std::enable_shared_from_this<shared_settings> {
public:
  struct deps {
    caf::actor_system* sys = nullptr;
    ops_store_actor store;
    dispatcher_actor dispatcher;
    /// The settings in force, and how to put new ones in force ("" when
    /// they were, else why not).
    std::function<config::loaded()> get_config;
    std::function<std::string(config::loaded)> apply_config;
  };

  explicit shared_settings(deps d) : deps_(std::move(d)) {}

  /// The shared version moved: reads the routes, the runtime config and the
  /// shared state again and applies what differs. Returns at once: a
  /// short-lived actor does the work. Safe from any thread.
  void changed();

  /// An operator paused (`paused`) or resumed (`running`) dispatch here:
  /// the others follow.
  void dispatch_set(const std::string& state);

private:
  void apply_runtime(const std::map<std::string, std::string>& saved);
  void apply_dispatch(const std::map<std::string, std::string>& state);

  deps deps_;
  std::mutex mtx_;
  /// The pause state last applied or set here.
  std::string dispatch_;
};

/// A PUT body (`{"soap": {"retries": 5}}`) holding the saved runtime values
/// (dotted key → JSON text).
std::string patch_body(const std::map<std::string, std::string>& saved);

} // namespace usms::app
