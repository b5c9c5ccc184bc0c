#pragma once

/// The operator API's answers as JSON text: pages of the status table, the
/// trend samples, the request queue and the reply routes.

#include <chrono>
#include <string>

#include "messages/ops_queries.hpp"

namespace usms::app {

/// `{"total", "entries", "rows": [...]}` for GET /api/v1/status.
std::string status_page_json(const status_page& page);

/// `{"interval": "1m", "samples": [{"at", "count"}, ...]}` for
/// GET /api/v1/status/trend; `interval` is the sampler's, as configured.
std::string trend_json(const trend_series& series,
                       std::chrono::milliseconds interval);

/// `{"total", "requests": [...]}` for GET /api/v1/requests.
std::string queue_page_json(const queue_page& page, bool usms_available);

/// `{"routes": [{"source", "url"}, ...]}` for GET /api/v1/reply-routes.
std::string route_list_json(const route_list& list);

/// `{"source", "url"}`: one reply route.
std::string route_json(const std::string& source, const std::string& url);

} // namespace usms::app
