#include "app/usms_routes.hpp"

#include <chrono>

#include "api/http_answers.hpp"
#include "api/json_writer.hpp"
#include "app/actor_bridge.hpp"
#include "app/auth_guard.hpp"
#include "common/iso_time.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using namespace std::chrono_literals;

/// The dispatcher answers at once; this only bounds a stuck system.
constexpr auto dispatcher_timeout = 10s;

constexpr std::string_view usms_path = "/api/v1/usms";

http::response status_response(const usms_status& status, int64_t held) {
  return api::json_response(200, usms_json(status, held));
}

/// The caller's scope as the guard would judge it.
std::string_view scope_of(const usms_context& ctx, const http::request& req) {
  if (ctx.tokens.empty())
    return "admin";
  auto scope = token_scope_of(req.header("Authorization"), ctx.tokens);
  return scope ? config::to_string(*scope) : std::string_view{};
}

/// Sends one operator command to the dispatcher from a bridge actor and
/// answers with the status it returns.
template <class Command>
void command(const usms_context& ctx, Command what, http::responder respond) {
  ask_once<usms_status>(
    *ctx.sys, ctx.dispatcher, dispatcher_timeout, std::move(respond),
    [board = ctx.board](const usms_status& status) {
      return status_response(status, board->held());
    },
    usms_atom_v, what);
}

} // namespace

std::string usms_json(const usms_status& status, int64_t held) {
  api::json_writer w;
  w.begin_object();
  w.member("state", status.state);
  w.member("since", format_iso8601_utc_ms(status.since));
  w.text_or_null("last_error", status.last_error);
  w.key("next_probe_at");
  if (status.next_probe_at > 0)
    w.value(format_iso8601_utc_ms(status.next_probe_at));
  else
    w.null();
  w.member("held", held);
  w.end_object();
  return w.str();
}

route_handler make_usms_routes(usms_context context) {
  auto ctx = std::make_shared<usms_context>(std::move(context));
  return [ctx](http::request& req, http::responder& respond) {
    auto path = http::target_path(req.target);
    if (path.substr(0, usms_path.size()) != usms_path)
      return false;
    auto rest = path.substr(usms_path.size());
    if (rest.empty() && (req.method == "GET" || req.method == "HEAD")) {
      auto res = status_response(ctx->board->status(), ctx->board->held());
      res.headers.push_back(
        {token_scope_header, std::string{scope_of(*ctx, req)}});
      respond(std::move(res));
      return true;
    }
    if (req.method != "POST")
      return false;
    if (rest == "/pause") {
      if (ctx->on_dispatch)
        ctx->on_dispatch("paused");
      command(*ctx, pause_atom_v, std::move(respond));
    } else if (rest == "/resume") {
      if (ctx->on_dispatch)
        ctx->on_dispatch("running");
      command(*ctx, resume_dispatch_atom_v, std::move(respond));
    }
    else if (rest == "/probe")
      command(*ctx, probe_atom_v, std::move(respond));
    else
      return false;
    return true;
  };
}

} // namespace usms::app
