#pragma once

/// The alarm API over HTTP: `POST /api/v1/alarms` (an event, answered 202
/// once it is journaled with the step it causes), `GET /api/v1/alarms/{key}`
/// (the key percent-encoded), `GET /api/v1/alarms?state=&limit=&offset=`,
/// `DELETE /api/v1/alarms/{key}` (forget; 204), and `POST
/// /api/v1/alertmanager` (Alertmanager's webhook payload, answered 200 once
/// every alert of it is journaled, 5xx otherwise so that Alertmanager
/// sends it again). Events and forgets go to the alarm engine, reads to the
/// alarm reader, each through a short-lived bridge actor.

#include <functional>
#include <memory>

#include "actors/handles.hpp"
#include "app/http_api.hpp"
#include "config/settings.hpp"

namespace usms::app {

/// What the alarm routes need from the gateway.
struct alarm_routes_context {
  caf::actor_system* sys = nullptr;
  alarm_engine_actor engine;
  alarm_reader_actor reader;
  /// The API version (which fields and types alarms may have) and
  /// whether the gateway is stopping.
  std::shared_ptr<const live_rules> rules;
  /// The `alertmanager.*` settings in force now.
  std::function<config::alertmanager_settings()> alertmanager;
};

/// The routes, for api_context::more_routes.
route_handler make_alarm_routes(alarm_routes_context ctx);

} // namespace usms::app
