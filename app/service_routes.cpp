#include "app/service_routes.hpp"

#include "api/json_writer.hpp"
#include "api/request_views.hpp"
#include "messages/request.hpp"
#include "metrics/gateway_metrics.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

/// USMS counts as answering when it answered within this window.
constexpr int64_t usms_recent_ms = 5 * 60 * 1000;

http::response readiness(const readiness_inputs& in) {
  auto& m = metrics();
  api::json_writer w;
  bool ready = true;
  w.begin_object();
  w.key("checks").begin_array();
  auto check = [&](const char* name, bool ok, const std::string& message) {
    w.begin_object().member("name", name).member("ok", ok);
    if (!message.empty())
      w.member("message", message);
    w.end_object();
    ready = ready && ok;
  };
  // The database is writable when the journal's last write worked (while
  // it fails the journal tries again every second) and the storage can
  // still take writes.
  auto db_error = m.database_error();
  if (!db_error.empty())
    db_error = "the database cannot be written: " + db_error;
  else if (in.storage_problem)
    db_error = in.storage_problem();
  check("database", db_error.empty(), db_error);
  auto offload_error = m.offload_error();
  check("offload", offload_error.empty(), offload_error);
  w.end_array();
  // USMS being down does not make the gateway unready: queueing through an
  // outage is its job. Say whether it answered recently all the same.
  auto last = m.last_usms_answer_ms();
  w.key("usms").begin_object();
  w.member("answered_recently", last > 0 && now_ms() - last < usms_recent_ms);
  if (last > 0)
    w.member("last_answer_at", api::iso_time(last));
  w.end_object();
  if (in.usms)
    w.member("usms_state", in.usms->status().state);
  w.member("status", ready ? "ready" : "not_ready");
  w.end_object();
  http::response res;
  res.status = ready ? 200 : 503;
  res.body = w.str();
  return res;
}

} // namespace

route_handler make_service_routes(readiness_inputs inputs) {
  return [inputs](http::request& req, http::responder& respond) {
    if (req.method != "GET" && req.method != "HEAD")
      return false;
    auto path = http::target_path(req.target);
    if (path == "/metrics") {
      http::response res;
      res.content_type = "text/plain; version=0.0.4; charset=utf-8";
      res.body = metrics().render_prometheus();
      respond(std::move(res));
      return true;
    }
    if (path == "/readyz") {
      respond(readiness(inputs));
      return true;
    }
    if (path == "/api/v1/openapi.json") {
      http::response res;
      res.body = std::string{openapi_document()};
      respond(std::move(res));
      return true;
    }
    return false;
  };
}

} // namespace usms::app
