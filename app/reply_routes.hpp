#pragma once

/// The reply routes: where the outcome of a request from a source is sent
/// (`*` is the default route). GET /api/v1/reply-routes lists them;
/// GET, PUT (`{"url": "http://…"}`) and DELETE /api/v1/reply-routes/{source}
/// read, set and remove one.

#include <memory>
#include <string>
#include <vector>

#include "app/ops_context.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// Answers a request on /api/v1/reply-routes (`seg` has 3 segments) or
/// /api/v1/reply-routes/{source} (4 segments, the source decoded).
void handle_reply_routes(const std::shared_ptr<ops_context>& ctx,
                         http::request& req,
                         const std::vector<std::string>& seg,
                         http::responder respond);

} // namespace usms::app
