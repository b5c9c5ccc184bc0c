#pragma once

/// The service endpoints: `/metrics` (Prometheus), `/readyz` (readiness
/// with the failing checks) and `/api/v1/openapi.json`.

#include <memory>
#include <string>
#include <string_view>

#include "actors/usms_board.hpp"
#include "app/http_api.hpp"

namespace usms::app {

/// The OpenAPI document (api/openapi.json, embedded at build time).
std::string_view openapi_document();

/// What `/readyz` checks besides the metrics' error texts.
struct readiness_inputs {
  std::string db_path;
  /// Where USMS stands (shown, never a reason to be unready); may be null.
  std::shared_ptr<const usms_board> usms;
};

route_handler make_service_routes(readiness_inputs inputs);

} // namespace usms::app
