#pragma once

/// Where the gateway's failures become HTTP answers: the one mapping from an
/// actor's `caf::error` to the API's error answer (status, code, message),
/// and the 405 answer every route gives for a method it does not serve.

#include <string_view>

#include "api/api_error.hpp"
#include "caf/error.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// The error answer for an actor's error: the gateway's own codes (intake
/// full, not found, conflict, stopping, storage failed, storage that cannot
/// be written now) by meaning, a request that timed out as 503 `busy`,
/// anything else as 500 `internal`.
api::api_error from_error(const caf::error& err);

/// 405 for `method`; with `allowed` (`GET, PUT`), the message and an
/// `Allow` header name the methods the route serves.
http::response method_not_allowed(std::string_view method,
                                  std::string_view allowed = {});

} // namespace usms::app
