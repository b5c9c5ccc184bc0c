#pragma once

/// The operator API (SPEC section 4, notes/api.md "Operator API"): the
/// status table and its trend, the request queue, the configuration and the
/// reply routes, as route handlers for api_context::more_routes. Each
/// request that needs the database gets one short-lived bridge actor that
/// asks the ops_store and completes the responder.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/ops_store.hpp"
#include "app/http_api.hpp"
#include "config/loader.hpp"

namespace usms::app {

/// What the operator routes need from the gateway.
struct ops_context {
  caf::actor_system* sys = nullptr;
  ops_store_actor store;
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

/// The routes: GET /api/v1/status, GET /api/v1/status/trend,
/// GET /api/v1/requests, GET|PUT /api/v1/config,
/// GET /api/v1/reply-routes and GET|PUT|DELETE /api/v1/reply-routes/{source}.
std::vector<route_handler> make_ops_routes(std::shared_ptr<ops_context> ctx);

/// The sampler settings of `s` (trend.interval, trend.keep).
trend_settings trend_from(const config::settings& s);

/// Reads an ISO 8601 time: `2026-11-27`, `2026-11-27T06:48`,
/// `2026-11-27T06:48:31`, with optional fraction and `Z` or `±HH:MM`
/// (none = UTC; a space stands for a `+` decoded from a query string).
/// Unix milliseconds, or nullopt when it is not one.
std::optional<int64_t> parse_iso_time(std::string_view text);

} // namespace usms::app
