#pragma once

/// `POST /api/v1/requests/retry`: every failed request matching the status
/// table's filters goes back to the queue under its own id.

#include <memory>

#include "app/http_api.hpp"
#include "app/url_params.hpp"

namespace usms::app {

/// Reads the filters (`action`, `type`, `source`, `since`, `until`, `q`; a
/// `status` other than `Failed` is a 400), asks the intake to requeue the
/// matching failed requests and answers 200 `{"retried": n}`.
void retry_failed(const std::shared_ptr<api_context>& ctx,
                  const params_map& params, http::responder respond);

} // namespace usms::app
