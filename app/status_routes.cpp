#include "app/status_routes.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

#include "api/http_answers.hpp"
#include "app/actor_bridge.hpp"
#include "app/ops_views.hpp"

namespace usms::app {

namespace {

constexpr int64_t default_trend_window_ms = 24LL * 3600 * 1000;

using api::error_response;
using api::json_response;

/// The paging parameters both lists take: `limit` (1–1000) and `offset`.
std::optional<api::api_error> read_paging(const params_map& p,
                                          int32_t& limit, int64_t& offset) {
  int64_t wanted = limit;
  std::optional<api::api_error> e;
  if ((e = read_int(p, "limit", 1, 1000, wanted))
      || (e = read_int(p, "offset", 0, INT64_MAX / 2, offset)))
    return e;
  limit = static_cast<int32_t>(wanted);
  return std::nullopt;
}

} // namespace

void get_status(const std::shared_ptr<ops_context>& ctx, const params_map& p,
                http::responder respond) {
  status_filter f;
  std::optional<api::api_error> e;
  if ((e = read_choice(p, "status", {"Succeeded", "Failed"}, f.status))
      || (e = read_choice(p, "action", {"create", "update", "query"},
                          f.action))
      || (e = read_choice(p, "type", {"incident", "change", "problem"},
                          f.type))
      || (e = read_text(p, "source", f.source))
      || (e = read_choice(p, "cause",
                          {"command", "alarm_firing", "alarm_repeat",
                           "alarm_cleared", "alarm_reopened",
                           "alarm_flapping"},
                          f.cause))
      || (e = read_text(p, "q", f.q)) || (e = read_time(p, "since", f.since))
      || (e = read_time(p, "until", f.until))
      || (e = read_paging(p, f.limit, f.offset))) {
    respond(error_response(*e));
    return;
  }
  ask_once<status_page>(
    *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
    [](status_page& page) {
      return json_response(200, status_page_json(page));
    },
    ops_status_atom_v, f);
}

void get_trend(const std::shared_ptr<ops_context>& ctx, const params_map& p,
               http::responder respond) {
  int64_t until = now_ms();
  int64_t since = 0;
  std::optional<api::api_error> e;
  if ((e = read_time(p, "until", until))
      || (e = read_time(p, "since", since))) {
    respond(error_response(*e));
    return;
  }
  if (!param(p, "since"))
    since = until - default_trend_window_ms;
  auto interval = ctx->get_config().values.trend.interval;
  ask_once<trend_series>(
    *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
    [interval](trend_series& series) {
      return json_response(200, trend_json(series, interval));
    },
    ops_trend_atom_v, since, until);
}

void list_requests(const std::shared_ptr<ops_context>& ctx,
                   const params_map& p, http::responder respond) {
  queue_filter f;
  std::optional<api::api_error> e;
  if (auto* states = param(p, "state"); states && !states->empty()) {
    std::string_view rest{*states};
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto name = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{}
                                             : rest.substr(comma + 1);
      if (name.empty())
        continue;
      auto st = parse_request_state(name);
      if (!st) {
        respond(error_response(api::bad_field(
          "state", "state must be a comma-separated list of queued, "
                   "in_flight, waiting_retry, succeeded, failed, cancelled")));
        return;
      }
      f.states.push_back(*st);
    }
  }
  if ((e = read_choice(p, "type", {"incident", "change", "problem"}, f.type))
      || (e = read_text(p, "source", f.source))
      || (e = read_paging(p, f.limit, f.offset))) {
    respond(error_response(*e));
    return;
  }
  ask_once<queue_page>(
    *ctx->sys, ctx->store, ops_store_timeout, std::move(respond),
    [board = ctx->board](queue_page& page) {
      bool available = !board || board->status().available;
      return json_response(200, queue_page_json(page, available));
    },
    ops_queue_atom_v, f);
}

} // namespace usms::app
