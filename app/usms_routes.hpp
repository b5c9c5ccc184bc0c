#pragma once

/// Where USMS stands, over HTTP: `GET /api/v1/usms` (read from the USMS
/// board, no actor asked) and the operator's `POST /api/v1/usms/pause`,
/// `/resume` and `/probe`, each sent to the SOAP dispatcher by a
/// short-lived bridge actor (app/actor_bridge.hpp) and answered with the GET object once the
/// dispatcher handled it.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/handles.hpp"
#include "actors/usms_board.hpp"
#include "app/http_api.hpp"
#include "config/settings.hpp"
#include "messages/usms_status.hpp"

namespace usms::app {

/// What the USMS routes need from the gateway.
struct usms_context {
  caf::actor_system* sys = nullptr;
  dispatcher_actor dispatcher;
  std::shared_ptr<const usms_board> board;
  /// auth.tokens, to tell callers their own scope (empty: access control
  /// is off and everyone may do everything).
  std::vector<config::auth_token> tokens;
  /// Told `paused` or `running` after an operator paused or resumed
  /// dispatch (the other instances of a cluster follow); may be empty.
  std::function<void(const std::string&)> on_dispatch;
};

/// Name of the header on `GET /api/v1/usms` that tells the caller its
/// token's scope (`read`, `submit` or `admin`), so the pages offer the
/// operator buttons only to those allowed to use them.
inline constexpr const char* token_scope_header = "X-Token-Scope";

/// `{"state", "since", "last_error", "next_probe_at", "held"}`: times as
/// ISO 8601 UTC, null where there is none.
std::string usms_json(const usms_status& status, int64_t held);

/// The four routes, for api_context::more_routes.
route_handler make_usms_routes(usms_context ctx);

} // namespace usms::app
