#include "app/shared_settings.hpp"

#include <chrono>
#include <map>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/json_writer.hpp"
#include "app/actor_bridge.hpp"
#include "app/ops_context.hpp"
#include "caf/send.hpp"
#include "config/runtime_patch.hpp"

namespace usms::app {

namespace {

/// The store answers from one query; this only bounds a stuck database.
constexpr auto store_timeout = std::chrono::seconds(10);

} // namespace

std::string patch_body(const std::map<std::string, std::string>& saved) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>>
    by_section;
  for (auto& [key, json] : saved) {
    auto dot = key.find('.');
    if (dot == std::string::npos)
      continue;
    by_section[key.substr(0, dot)].emplace_back(key.substr(dot + 1), json);
  }
  api::json_writer w;
  w.begin_object();
  for (auto& [section, entries] : by_section) {
    w.key(section);
    w.begin_object();
    for (auto& [name, json] : entries) {
      w.key(name);
      w.raw(json);
    }
    w.end_object();
  }
  w.end_object();
  return w.str();
}

void shared_settings::changed() {
  // Routes first: the store tells the reply dispatcher every route again.
  caf::anon_send(deps_.store, reply_route_atom_v);
  // The bridge keeps this object alive until it is done.
  spawn_bridge(*deps_.sys, [me = shared_from_this()](
                             caf::event_based_actor* self) {
    self->request(me->deps_.store, store_timeout, ops_config_atom_v)
      .then(
        [me, self](runtime_values& saved) {
          me->apply_runtime(saved.values);
          self->request(me->deps_.store, store_timeout, shared_atom_v)
            .then(
              [me, self](runtime_values& state) {
                me->apply_dispatch(state.values);
                self->quit();
              },
              [self](caf::error& err) {
                spdlog::warn("cluster: shared state not read: {}",
                             to_string(err));
                self->quit();
              });
        },
        [self](caf::error& err) {
          spdlog::warn("cluster: shared runtime config not read: {}",
                       to_string(err));
          self->quit();
        });
  });
}

void shared_settings::apply_runtime(
  const std::map<std::string, std::string>& saved) {
  if (saved.empty())
    return;
  auto patch = config::apply_patch(deps_.get_config(), patch_body(saved));
  if (!patch) {
    spdlog::warn("cluster: the shared runtime config does not apply here: {}",
                 patch.error().message);
    return;
  }
  if (patch->changed_keys.empty())
    return;
  std::string keys;
  for (auto& k : patch->changed_keys)
    keys += (keys.empty() ? "" : ", ") + k;
  auto trend = trend_from(patch->updated.values);
  if (auto err = deps_.apply_config(std::move(patch->updated)); !err.empty()) {
    spdlog::warn("cluster: the shared runtime config does not apply here: {}",
                 err);
    return;
  }
  caf::anon_send(deps_.store, ops_trend_atom_v, trend);
  spdlog::info("configuration changed by another instance: {}", keys);
}

void shared_settings::apply_dispatch(
  const std::map<std::string, std::string>& state) {
  auto i = state.find(dispatch_key);
  if (i == state.end())
    return;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (i->second == dispatch_)
      return;
    dispatch_ = i->second;
  }
  spdlog::info("cluster: USMS dispatch {} by an operator on another instance",
               i->second == "paused" ? "paused" : "resumed");
  if (i->second == "paused")
    caf::anon_send(deps_.dispatcher, usms_atom_v, pause_atom_v);
  else
    caf::anon_send(deps_.dispatcher, usms_atom_v, resume_dispatch_atom_v);
}

void shared_settings::dispatch_set(const std::string& state) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    dispatch_ = state;
  }
  caf::anon_send(deps_.store, shared_atom_v, caf::put_atom_v,
                 std::string{dispatch_key}, state);
}

} // namespace usms::app
