#include "app/api_errors.hpp"

#include <string>

#include "api/http_answers.hpp"
#include "caf/sec.hpp"
#include "messages/caf/errors.hpp"

namespace usms::app {

api::api_error from_error(const caf::error& err) {
  if (err.category() == caf::atom("usms")) {
    auto msg = err.context().match_elements<std::string>()
                 ? err.context().get_as<std::string>(0)
                 : std::string{};
    switch (static_cast<gateway_errc>(err.code())) {
      case gateway_errc::intake_full:
        return {503, "intake_full",
                "the gateway holds too many unfinished requests; retry later",
                ""};
      case gateway_errc::not_found:
        return {404, "not_found", msg, ""};
      case gateway_errc::conflict:
        return {409, "conflict", msg, ""};
      case gateway_errc::shutting_down:
        return {503, "shutting_down", "the gateway is stopping", ""};
      case gateway_errc::storage:
        return {500, "storage_failed", "the database could not answer", ""};
      case gateway_errc::storage_unavailable:
        // A 503 carries Retry-After: nothing was journaled, the same
        // request may simply be sent again.
        return {503, "storage_unavailable",
                "the database cannot be written now (disk full or "
                "read-only); nothing was accepted, retry later",
                ""};
    }
  }
  if (err == caf::sec::request_timeout)
    return {503, "busy", "the gateway did not answer in time; retry later",
            ""};
  return {500, "internal", "internal error", ""};
}

http::response method_not_allowed(std::string_view method,
                                  std::string_view allowed) {
  std::string message = std::string{method} + " is not allowed here";
  if (!allowed.empty())
    message += "; use " + std::string{allowed};
  auto res = api::error_response({405, "method_not_allowed", message, ""});
  if (!allowed.empty())
    res.headers.push_back({"Allow", std::string{allowed}});
  return res;
}

} // namespace usms::app
