#pragma once

/// Every route the gateway serves, as OpenAPI path templates. The router
/// refuses what is not listed here, and a test checks that the OpenAPI
/// document describes every entry, so the two cannot drift apart.

#include <string_view>
#include <vector>

namespace usms::app {

struct route_entry {
  std::string_view method;
  std::string_view path; ///< `/api/v1/requests/{id}`
};

const std::vector<route_entry>& route_table();

/// True when `method path` matches an entry (`{x}` matches one segment;
/// `/assets/{file}` matches any path below /assets/).
bool route_known(std::string_view method, std::string_view path);

/// True when some entry matches `path` with another method.
bool path_known(std::string_view path);

} // namespace usms::app
