#pragma once

/// The HTTP API as an `http::handler`: the router (every route the route
/// table lists), the ticket and request routes with their validation on the
/// I/O thread and one short-lived bridge actor per request that talks to
/// the pipeline, then the more routes it is given (operator, service,
/// pages).

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "actors/handles.hpp"
#include "actors/usms_board.hpp"
#include "contract/contract.hpp"
#include "caf/typed_actor.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// Values the API reads on every request and that may change at run time.
struct live_rules {
  /// The USMS contract in force (what it offers decides what the API
  /// refuses); null: the built-in contract of USMS API v2.
  std::atomic<const soap::contract*> contract{nullptr};
  std::atomic<int> query_limit{100};
  /// Set when the gateway is stopping: intake answers 503.
  std::atomic<bool> draining{false};
};

/// A handler for more routes: returns false when the request is not its.
using route_handler
  = std::function<bool(http::request& req, http::responder& respond)>;

struct api_context {
  caf::actor_system* sys = nullptr;
  intake_actor intake;
  reader_actor reader;
  std::shared_ptr<live_rules> rules;
  /// Where USMS stands: a request waiting while it may not be called is
  /// shown as held.
  std::shared_ptr<const usms_board> board;
  /// More routes (service endpoints, operator routes, pages), tried in
  /// order after /healthz and the ticket and request routes.
  std::vector<route_handler> more_routes;
};

/// The handler for the HTTP server: answers 404 for paths the route table
/// does not list and 405 for methods it does not list, then tries the
/// routes. Access control is not its business: the server checks tokens
/// from the request's head before the body is read (see auth_guard.hpp).
http::handler make_api_handler(std::shared_ptr<api_context> ctx);

/// Whether USMS may be called now (true when nobody says otherwise).
inline bool usms_available(const api_context& ctx) {
  return !ctx.board || ctx.board->status().available;
}

} // namespace usms::app
