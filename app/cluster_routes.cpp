#include "app/cluster_routes.hpp"

#include <chrono>

#include "api/http_answers.hpp"
#include "api/json_writer.hpp"
#include "app/actor_bridge.hpp"
#include "app/api_errors.hpp"
#include "common/iso_time.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

/// The member answers from one query; this only bounds a stuck database.
constexpr auto member_timeout = std::chrono::seconds(10);

} // namespace

std::string cluster_json(const cluster_view& view) {
  api::json_writer w;
  w.begin_object();
  w.key("instances");
  w.begin_array();
  for (auto& i : view.instances) {
    w.begin_object();
    w.member("id", i.id);
    w.member("started_at", format_iso8601_utc_ms(i.started_at));
    w.member("heartbeat_at", format_iso8601_utc_ms(i.heartbeat_at));
    w.member("owned", i.owned);
    w.member("usms", i.usms);
    w.member("leads", i.leads);
    w.end_object();
  }
  w.end_array();
  w.member("self", view.self);
  w.end_object();
  return w.str();
}

route_handler make_cluster_routes(caf::actor_system* sys,
                                  cluster_member_actor member) {
  return [sys, member](http::request& req, http::responder& respond) {
    if (http::target_path(req.target) != "/api/v1/cluster")
      return false;
    if (req.method != "GET" && req.method != "HEAD") {
      respond(method_not_allowed(req.method, "GET"));
      return true;
    }
    ask_once<cluster_view>(
      *sys, member, member_timeout, std::move(respond),
      [](const cluster_view& view) {
        return api::json_response(200, cluster_json(view));
      },
      cluster_atom_v);
    return true;
  };
}

} // namespace usms::app
