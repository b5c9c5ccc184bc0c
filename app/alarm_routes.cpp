#include "app/alarm_routes.hpp"

#include <chrono>

#include "api/alarm_json.hpp"
#include "api/alertmanager_json.hpp"
#include "api/http_answers.hpp"
#include "app/actor_bridge.hpp"
#include "app/url_params.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using namespace std::chrono_literals;

/// An event waits for its alarm's earlier events and one group commit.
constexpr auto engine_timeout = 30s;
constexpr auto reader_timeout = 30s;

using api::error_response;
using api::json_response;

http::response not_found(const std::string& key) {
  return error_response({404, "not_found", "no alarm " + key, ""});
}

bool refuse_when_stopping(const alarm_routes_context& ctx,
                          http::responder& respond) {
  if (!ctx.rules->draining.load())
    return false;
  respond(error_response({503, "shutting_down",
                          "the gateway is stopping; retry elsewhere or later",
                          ""}));
  return true;
}

void post_alarm(const alarm_routes_context& ctx, http::request& req,
                http::responder respond) {
  api::intake_rules rules{ctx.rules->contract.load(),
                          ctx.rules->query_limit.load()};
  auto parsed = api::parse_alarm_event(req.body, rules);
  if (auto* e = std::get_if<api::api_error>(&parsed)) {
    respond(error_response(*e));
    return;
  }
  if (refuse_when_stopping(ctx, respond))
    return;
  ask_once<alarm_accepted>(
    *ctx.sys, ctx.engine, engine_timeout, std::move(respond),
    [](const alarm_accepted& a) {
      std::optional<std::string> request_id;
      if (!a.request_id.empty())
        request_id = a.request_id;
      return json_response(202, api::alarm_accepted_json(
                                  a.key, a.event_id, request_id,
                                  a.has_alarm ? &a.alarm : nullptr));
    },
    alarm_atom_v, std::get<alarm_event>(std::move(parsed)));
}

void post_alertmanager(const alarm_routes_context& ctx, http::request& req,
                       http::responder respond) {
  auto parsed = api::parse_alertmanager(req.body, ctx.alertmanager(),
                                        now_ms());
  if (auto* e = std::get_if<api::api_error>(&parsed)) {
    respond(error_response(*e));
    return;
  }
  if (refuse_when_stopping(ctx, respond))
    return;
  auto& n = std::get<api::alertmanager_notification>(parsed);
  ask_once<std::vector<alarm_accepted>>(
    *ctx.sys, ctx.engine, engine_timeout, std::move(respond),
    [receiver = n.receiver,
     truncated = n.truncated_alerts](const std::vector<alarm_accepted>& all) {
      return json_response(
        200, api::alertmanager_accepted_json(receiver, all, truncated));
    },
    alarm_atom_v, std::move(n.events));
}

void list_alarms(const alarm_routes_context& ctx, http::request& req,
                 http::responder respond) {
  auto parsed = api::parse_alarm_list_query(http::parse_query(req.target));
  if (auto* e = std::get_if<api::api_error>(&parsed)) {
    respond(error_response(*e));
    return;
  }
  auto& q = std::get<api::alarm_list_query>(parsed);
  alarm_filter f;
  if (q.state)
    f.state = std::string{to_string(*q.state)};
  f.limit = q.limit;
  f.offset = q.offset;
  ask_once<alarm_page>(
    *ctx.sys, ctx.reader, reader_timeout, std::move(respond),
    [](const alarm_page& page) {
      return json_response(200, api::alarm_list_json(page.total, page.alarms));
    },
    alarm_atom_v, f);
}

void one_alarm(const alarm_routes_context& ctx, http::request& req,
               const std::string& key, http::responder respond) {
  if (req.method == "DELETE") {
    ask_once<bool>(
      *ctx.sys, ctx.engine, engine_timeout, std::move(respond),
      [key](bool existed) {
        if (!existed)
          return not_found(key);
        http::response res;
        res.status = 204;
        return res;
      },
      alarm_atom_v, caf::delete_atom_v, key);
    return;
  }
  ask_once<std::vector<stored_alarm>>(
    *ctx.sys, ctx.reader, reader_timeout, std::move(respond),
    [key](const std::vector<stored_alarm>& found) {
      if (found.empty())
        return not_found(key);
      return json_response(200, api::to_json(found.front().record));
    },
    alarm_atom_v, caf::get_atom_v, key);
}

} // namespace

route_handler make_alarm_routes(alarm_routes_context context) {
  auto ctx = std::make_shared<alarm_routes_context>(std::move(context));
  return [ctx](http::request& req, http::responder& respond) {
    auto seg = split_path(http::target_path(req.target));
    if (seg.size() < 3 || seg[0] != "api" || seg[1] != "v1")
      return false;
    bool get = req.method == "GET" || req.method == "HEAD";
    if (seg.size() == 3 && seg[2] == "alertmanager" && req.method == "POST") {
      post_alertmanager(*ctx, req, std::move(respond));
      return true;
    }
    if (seg[2] != "alarms")
      return false;
    if (seg.size() == 3 && req.method == "POST")
      post_alarm(*ctx, req, std::move(respond));
    else if (seg.size() == 3 && get)
      list_alarms(*ctx, req, std::move(respond));
    else if (seg.size() == 4 && (get || req.method == "DELETE"))
      one_alarm(*ctx, req, seg[3], std::move(respond));
    else
      return false;
    return true;
  };
}

} // namespace usms::app
