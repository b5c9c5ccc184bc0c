#pragma once

/// The operator API as route handlers for api_context::more_routes: the
/// status table and its trend, the request queue, the configuration and the
/// reply routes. This file only matches paths and methods; each concern
/// answers in a file of its own (status_routes, config_routes,
/// reply_routes), and every answer that needs the database comes from one
/// short-lived bridge actor asking the ops store (actor_bridge.hpp).

#include <memory>
#include <vector>

#include "app/http_api.hpp"
#include "app/ops_context.hpp"

namespace usms::app {

/// The routes: GET /api/v1/status, GET /api/v1/status/trend,
/// GET /api/v1/requests, GET|PUT /api/v1/config,
/// GET /api/v1/reply-routes and GET|PUT|DELETE /api/v1/reply-routes/{source}.
std::vector<route_handler> make_ops_routes(std::shared_ptr<ops_context> ctx);

} // namespace usms::app
