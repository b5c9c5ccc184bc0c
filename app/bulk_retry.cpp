#include "app/bulk_retry.hpp"

#include <chrono>
#include <optional>

#include "api/http_answers.hpp"
#include "app/actor_bridge.hpp"

namespace usms::app {

namespace {

/// Requeueing touches every matching row in one transaction: allow for a
/// large table.
constexpr auto retry_timeout = std::chrono::minutes(2);

} // namespace

void retry_failed(const std::shared_ptr<api_context>& ctx,
                  const params_map& p, http::responder respond) {
  status_filter f;
  f.status = "Failed";
  std::string status;
  std::optional<api::api_error> e;
  if ((e = read_choice(p, "status", {"Failed"}, status))
      || (e = read_choice(p, "action", {"create", "update", "query"},
                          f.action))
      || (e = read_choice(p, "type", {"incident", "change", "problem"},
                          f.type))
      || (e = read_text(p, "source", f.source))
      || (e = read_text(p, "q", f.q)) || (e = read_time(p, "since", f.since))
      || (e = read_time(p, "until", f.until))) {
    if (e->field == "status")
      e->message = "only failed requests can be retried: status must be "
                   "Failed";
    respond(api::error_response(*e));
    return;
  }
  ask_once<int64_t>(
    *ctx->sys, ctx->intake, retry_timeout, std::move(respond),
    [](int64_t n) {
      return api::json_response(200, "{\"retried\":" + std::to_string(n)
                                       + "}");
    },
    retry_atom_v, f);
}

} // namespace usms::app
