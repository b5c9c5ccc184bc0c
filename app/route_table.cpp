#include "app/route_table.hpp"

namespace usms::app {

const std::vector<route_entry>& route_table() {
  static const std::vector<route_entry> routes{
    {"POST", "/api/v1/tickets/{type}"},
    {"GET", "/api/v1/tickets/{type}"},
    {"PATCH", "/api/v1/tickets/{type}/{id}"},
    {"GET", "/api/v1/requests"},
    {"GET", "/api/v1/requests/{id}"},
    {"DELETE", "/api/v1/requests/{id}"},
    {"POST", "/api/v1/requests/retry"},
    {"POST", "/api/v1/requests/{id}/retry"},
    {"POST", "/api/v1/alarms"},
    {"GET", "/api/v1/alarms"},
    {"GET", "/api/v1/alarms/{key}"},
    {"DELETE", "/api/v1/alarms/{key}"},
    {"POST", "/api/v1/alertmanager"},
    {"GET", "/api/v1/usms"},
    {"POST", "/api/v1/usms/pause"},
    {"POST", "/api/v1/usms/resume"},
    {"POST", "/api/v1/usms/probe"},
    {"GET", "/api/v1/cluster"},
    {"GET", "/api/v1/status"},
    {"GET", "/api/v1/status/trend"},
    {"GET", "/api/v1/config"},
    {"PUT", "/api/v1/config"},
    {"GET", "/api/v1/reply-routes"},
    {"GET", "/api/v1/reply-routes/{source}"},
    {"PUT", "/api/v1/reply-routes/{source}"},
    {"DELETE", "/api/v1/reply-routes/{source}"},
    {"GET", "/api/v1/openapi.json"},
    {"GET", "/metrics"},
    {"GET", "/healthz"},
    {"GET", "/readyz"},
    {"GET", "/"},
    {"GET", "/assets/{file}"},
  };
  return routes;
}

namespace {

bool matches(std::string_view pattern, std::string_view path) {
  if (pattern == "/assets/{file}")
    return path.size() > 8 && path.substr(0, 8) == "/assets/";
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/')
      return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    auto pe = pattern.find('/');
    auto se = path.find('/');
    auto pseg = pattern.substr(0, pe);
    auto sseg = path.substr(0, se);
    bool wildcard = pseg.size() > 2 && pseg.front() == '{'
                    && pseg.back() == '}';
    if (wildcard ? sseg.empty() : pseg != sseg)
      return false;
    pattern = pe == std::string_view::npos ? std::string_view{}
                                           : pattern.substr(pe);
    path = se == std::string_view::npos ? std::string_view{} : path.substr(se);
  }
  return pattern.empty() && (path.empty() || path == "/");
}

} // namespace

bool route_known(std::string_view method, std::string_view path) {
  if (method == "HEAD")
    method = "GET";
  for (auto& r : route_table())
    if (r.method == method && matches(r.path, path))
      return true;
  return false;
}

bool path_known(std::string_view path) {
  for (auto& r : route_table())
    if (matches(r.path, path))
      return true;
  return false;
}

} // namespace usms::app
