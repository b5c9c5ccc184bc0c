#pragma once

/// The service endpoints: `/metrics` (Prometheus), `/readyz` (readiness
/// with the failing checks) and `/api/v1/openapi.json`.

#include <functional>
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
  /// Why the storage could not take writes now, or "" (cheap: it runs on
  /// the I/O thread; see storage::backend::readiness_problem).
  std::function<std::string()> storage_problem;
  /// Where USMS stands (shown, never a reason to be unready); may be null.
  std::shared_ptr<const usms_board> usms;
};

route_handler make_service_routes(readiness_inputs inputs);

} // namespace usms::app
