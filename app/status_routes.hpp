#pragma once

/// The operator's read-only views: GET /api/v1/status (the status table,
/// filtered and paged), GET /api/v1/status/trend (the Number of Incidents
/// over time) and GET /api/v1/requests (the requests not finished yet, or
/// those in the states asked for). Each checks its query parameters on the
/// I/O thread, then asks the ops store once.

#include <memory>

#include "app/ops_context.hpp"
#include "app/url_params.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// GET /api/v1/status: `status`, `action`, `type`, `source`, `q`, `since`,
/// `until`, `limit` (1–1000) and `offset`.
void get_status(const std::shared_ptr<ops_context>& ctx, const params_map& p,
                http::responder respond);

/// GET /api/v1/status/trend: samples between `since` and `until` (default:
/// the last 24 hours).
void get_trend(const std::shared_ptr<ops_context>& ctx, const params_map& p,
               http::responder respond);

/// GET /api/v1/requests: `state` (a comma-separated list), `type`,
/// `source`, `limit` (1–1000) and `offset`.
void list_requests(const std::shared_ptr<ops_context>& ctx,
                   const params_map& p, http::responder respond);

} // namespace usms::app
