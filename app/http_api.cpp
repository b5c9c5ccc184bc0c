#include "app/http_api.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/http_answers.hpp"
#include "api/request_validation.hpp"
#include "api/request_views.hpp"
#include "actors/intake.hpp"
#include "app/route_table.hpp"
#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/sec.hpp"
#include "messages/caf/errors.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using namespace std::chrono_literals;

constexpr auto actor_timeout = 30s;

using api::error_response;
using api::json_response;

/// Maps an actor error to the API's error answer.
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
        return {500, "storage_failed", "the journal could not store it", ""};
    }
  }
  if (err == caf::sec::request_timeout)
    return {503, "busy", "the gateway did not answer in time; retry later",
            ""};
  return {500, "internal", "internal error", ""};
}

/// Sends `record` (first of `recs`) or 404.
http::response record_response(std::vector<request_record>& recs,
                               const std::string& id, bool wanted_finished) {
  if (recs.empty())
    return error_response({404, "not_found", "no request " + id, ""});
  auto& rec = recs.front();
  unsigned status = wanted_finished && is_finished(rec.progress.state) ? 200
                                                                       : 202;
  if (!wanted_finished)
    status = 200;
  return json_response(status, api::to_json(rec));
}

/// Reads the request back and answers with it.
void answer_with_record(caf::event_based_actor* self,
                        std::shared_ptr<api_context> ctx, std::string id,
                        bool waited, http::responder respond) {
  self->request(ctx->reader, actor_timeout, caf::get_atom_v, id)
    .then(
      [self, id, waited, respond](std::vector<request_record>& recs) {
        respond(record_response(recs, id, waited));
        self->quit();
      },
      [self, respond](caf::error& err) {
        respond(error_response(from_error(err)));
        self->quit();
      });
}

/// Waits up to `wait_s` for `id` to finish, then answers with it.
void wait_then_answer(caf::event_based_actor* self,
                      std::shared_ptr<api_context> ctx, std::string id,
                      double wait_s, http::responder respond) {
  auto wait_ms = static_cast<int64_t>(wait_s * 1000);
  self
    ->request(ctx->intake, std::chrono::milliseconds(wait_ms) + actor_timeout,
              wait_atom_v, id, wait_ms)
    .then(
      [self, ctx, id, respond](bool) {
        answer_with_record(self, ctx, id, true, respond);
      },
      [self, respond](caf::error& err) {
        respond(error_response(from_error(err)));
        self->quit();
      });
}

void submit(std::shared_ptr<api_context> ctx, ticket_request req,
            double wait_s, http::responder respond) {
  // ctx goes in as the spawn argument: CAF 0.17 dereferences a null
  // argument tuple for lambdas spawned without one (UBSan reports it).
  ctx->sys->spawn([req = std::move(req), wait_s,
                   respond](caf::event_based_actor* self,
                            std::shared_ptr<api_context> ctx) -> caf::behavior {
    self->request(ctx->intake, actor_timeout, submit_atom_v, req)
      .then(
        [self, ctx, req, wait_s, respond](std::string& id, bool existed) {
          if (wait_s > 0) {
            wait_then_answer(self, ctx, id, wait_s, respond);
            return;
          }
          if (existed) {
            // The same Idempotency-Key again: show the first request.
            answer_with_record(self, ctx, id, true, respond);
            return;
          }
          auto res = json_response(202, api::accepted_json(req));
          res.headers.push_back({"Location", "/api/v1/requests/" + id});
          respond(std::move(res));
          self->quit();
        },
        [self, respond](caf::error& err) {
          respond(error_response(from_error(err)));
          self->quit();
        });
    return {};
  }, ctx);
}

void get_request(std::shared_ptr<api_context> ctx, std::string id,
                 double wait_s, http::responder respond) {
  ctx->sys->spawn([id, wait_s,
                   respond](caf::event_based_actor* self,
                            std::shared_ptr<api_context> ctx) -> caf::behavior {
    if (wait_s > 0)
      wait_then_answer(self, ctx, id, wait_s, respond);
    else
      answer_with_record(self, ctx, id, false, respond);
    return {};
  }, ctx);
}

/// Cancel (`cancel_atom`) or retry (`retry_atom`) one request.
template <class Atom>
void change_request(std::shared_ptr<api_context> ctx, std::string id,
                    Atom what, http::responder respond) {
  ctx->sys->spawn([id, what,
                   respond](caf::event_based_actor* self,
                            std::shared_ptr<api_context> ctx) -> caf::behavior {
    self->request(ctx->intake, actor_timeout, what, id)
      .then(
        [self, ctx, id, respond](bool ok) {
          if (!ok) {
            respond(error_response(
              {409, "conflict",
               "request " + id + " is in flight and cannot be cancelled now",
               ""}));
            self->quit();
            return;
          }
          answer_with_record(self, ctx, id, false, respond);
        },
        [self, respond](caf::error& err) {
          respond(error_response(from_error(err)));
          self->quit();
        });
    return {};
  }, ctx);
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    parts.push_back(path.substr(0, end));
    if (end == std::string_view::npos)
      break;
    path.remove_prefix(end);
  }
  return parts;
}

api::api_error method_not_allowed(std::string_view method) {
  return {405, "method_not_allowed",
          std::string{method} + " is not allowed here", ""};
}

void handle_tickets(const std::shared_ptr<api_context>& ctx,
                    http::request& req, const std::vector<std::string>& seg,
                    const api::query_params& params,
                    http::responder& respond) {
  api::intake_rules rules{ctx->rules->contract.load(),
                          ctx->rules->query_limit.load()};
  auto wait = api::parse_wait(params);
  if (auto* e = std::get_if<api::api_error>(&wait)) {
    respond(error_response(*e));
    return;
  }
  api::parsed_request parsed;
  if (seg.size() == 4 && req.method == "POST") {
    parsed = api::parse_create(seg[3], req.body, rules);
  } else if (seg.size() == 4 && req.method == "GET") {
    parsed = api::parse_query(seg[3], params, rules);
  } else if (seg.size() == 5 && req.method == "PATCH") {
    parsed = api::parse_update(seg[3], seg[4], req.body, rules);
  } else {
    respond(error_response(method_not_allowed(req.method)));
    return;
  }
  if (auto* e = std::get_if<api::api_error>(&parsed)) {
    respond(error_response(*e));
    return;
  }
  if (ctx->rules->draining.load()) {
    respond(error_response({503, "shutting_down",
                            "the gateway is stopping; retry elsewhere or "
                            "later",
                            ""}));
    return;
  }
  auto& tr = std::get<ticket_request>(parsed);
  auto key = req.header("Idempotency-Key");
  if (key.size() > 256) {
    respond(error_response(
      api::bad_field("Idempotency-Key", "Idempotency-Key is too long")));
    return;
  }
  tr.idempotency_key = std::string{key};
  tr.id = make_request_id();
  tr.accepted_at = now_ms();
  if (tr.act == action::create && tr.external_reference.empty())
    tr.external_reference = tr.id;
  submit(ctx, std::move(tr), std::get<double>(wait), std::move(respond));
}

void handle_requests(const std::shared_ptr<api_context>& ctx,
                     http::request& req, const std::vector<std::string>& seg,
                     const api::query_params& params,
                     http::responder& respond) {
  const auto& id = seg[3];
  if (seg.size() == 4 && req.method == "GET") {
    auto wait = api::parse_wait(params);
    if (auto* e = std::get_if<api::api_error>(&wait)) {
      respond(error_response(*e));
      return;
    }
    get_request(ctx, id, std::get<double>(wait), std::move(respond));
  } else if (seg.size() == 4 && req.method == "DELETE") {
    change_request(ctx, id, cancel_atom_v, std::move(respond));
  } else if (seg.size() == 5 && seg[4] == "retry" && req.method == "POST") {
    change_request(ctx, id, retry_atom_v, std::move(respond));
  } else {
    respond(error_response(method_not_allowed(req.method)));
  }
}

} // namespace

http::handler make_api_handler(std::shared_ptr<api_context> ctx) {
  return [ctx](http::request req, http::responder respond) {
    auto path = http::target_path(req.target);
    auto params = http::parse_query(req.target);
    std::vector<std::string> seg;
    for (auto part : split_path(path)) {
      auto decoded = http::percent_decode(part);
      seg.push_back(decoded ? *decoded : std::string{part});
    }
    if (!route_known(req.method, path)) {
      if (path_known(path))
        respond(error_response(method_not_allowed(req.method)));
      else
        respond(error_response(
          {404, "not_found", "no such endpoint: " + std::string{path}, ""}));
      return;
    }
    if (ctx->guard && ctx->guard(req, respond))
      return;
    if (seg.size() == 1 && seg[0] == "healthz") {
      respond(json_response(200, R"({"status":"ok"})"));
      return;
    }
    bool api = seg.size() >= 3 && seg[0] == "api" && seg[1] == "v1";
    if (api && seg[2] == "tickets" && (seg.size() == 4 || seg.size() == 5)) {
      handle_tickets(ctx, req, seg, params, respond);
      return;
    }
    if (api && seg[2] == "requests" && (seg.size() == 4 || seg.size() == 5)) {
      handle_requests(ctx, req, seg, params, respond);
      return;
    }
    for (auto& route : ctx->more_routes)
      if (route(req, respond))
        return;
    respond(error_response(
      {404, "not_found", "no such endpoint: " + std::string{path}, ""}));
  };
}

} // namespace usms::app
