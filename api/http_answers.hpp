#pragma once

/// HTTP answers of the JSON API: a JSON body, or an error body (503s carry
/// Retry-After).

#include <string>

#include "api/api_error.hpp"
#include "transport/http_server.hpp"

namespace usms::api {

http::response json_response(unsigned status, std::string body);

http::response error_response(const api_error& e);

} // namespace usms::api
