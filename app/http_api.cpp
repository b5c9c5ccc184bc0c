#include "app/http_api.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "actors/intake.hpp"
#include "api/http_answers.hpp"
#include "api/request_validation.hpp"
#include "api/request_views.hpp"
#include "app/actor_bridge.hpp"
#include "app/bulk_retry.hpp"
#include "app/route_table.hpp"
#include "app/url_params.hpp"
#include "caf/send.hpp"
#include "transport/url.hpp"

namespace usms::app {

namespace {

using namespace std::chrono_literals;

constexpr auto actor_timeout = 30s;

using api::error_response;
using api::json_response;

/// The request `id` as `recs` (the reader's answer) holds it, or 404. With
/// `wanted_finished` (the caller waited, or sent an Idempotency-Key again)
/// an unfinished request answers 202, a finished one 200; without, 200.
http::response record_response(std::vector<request_record>& recs,
                               const std::string& id, bool wanted_finished,
                               bool usms_available) {
  if (recs.empty())
    return error_response({404, "not_found", "no request " + id, ""});
  auto& rec = recs.front();
  unsigned status = wanted_finished && is_finished(rec.progress.state) ? 200
                                                                       : 202;
  if (!wanted_finished)
    status = 200;
  return json_response(status, api::to_json(rec, usms_available));
}

/// Reads the request back and answers with it.
void answer_with_record(caf::event_based_actor* self,
                        std::shared_ptr<api_context> ctx, std::string id,
                        bool waited, http::responder respond) {
  self->request(ctx->reader, actor_timeout, caf::get_atom_v, id)
    .then(
      [self, ctx, id, waited, respond](std::vector<request_record>& recs) {
        answer(self, respond,
               record_response(recs, id, waited, usms_available(*ctx)));
      },
      answer_error(self, respond));
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
      answer_error(self, respond));
}

/// Sent straight from the I/O thread: no bridge actor, no timer. The
/// intake answers through the callbacks; only a submit that waits for its
/// outcome, or repeats an Idempotency-Key, goes on in a bridge.
void submit(std::shared_ptr<api_context> ctx, ticket_request req,
            double wait_s, http::responder respond) {
  submit_reply reply;
  reply.accepted = [ctx, wait_s, respond](const ticket_request& accepted,
                                          const std::string& id,
                                          bool existed) {
    if (wait_s > 0 || existed) {
      spawn_bridge(*ctx->sys, [ctx, id, wait_s, existed,
                               respond](caf::event_based_actor* self) {
        if (wait_s > 0)
          wait_then_answer(self, ctx, id, wait_s, respond);
        else // the same Idempotency-Key again: show the first request
          answer_with_record(self, ctx, id, true, respond);
      });
      return;
    }
    auto res = json_response(
      202, api::accepted_json(accepted, usms_available(*ctx)));
    res.headers.push_back({"Location", "/api/v1/requests/" + id});
    respond(std::move(res));
  };
  reply.refused = [respond](const caf::error& why) {
    respond(api::error_response(from_error(why)));
  };
  caf::anon_send(ctx->intake, submit_atom_v, std::move(req), std::move(reply));
}

void get_request(std::shared_ptr<api_context> ctx, std::string id,
                 double wait_s, http::responder respond) {
  spawn_bridge(*ctx->sys, [ctx, id, wait_s,
                           respond](caf::event_based_actor* self) {
    if (wait_s > 0)
      wait_then_answer(self, ctx, id, wait_s, respond);
    else
      answer_with_record(self, ctx, id, false, respond);
  });
}

/// Cancel (`cancel_atom`) or retry (`retry_atom`) one request.
template <class Atom>
void change_request(std::shared_ptr<api_context> ctx, std::string id,
                    Atom what, http::responder respond) {
  spawn_bridge(*ctx->sys, [ctx, id, what,
                           respond](caf::event_based_actor* self) {
    self->request(ctx->intake, actor_timeout, what, id)
      .then(
        [self, ctx, id, respond](bool ok) {
          if (!ok) {
            answer(self, respond,
                   error_response({409, "conflict",
                                   "request " + id
                                     + " is in flight and cannot be "
                                       "cancelled now",
                                   ""}));
            return;
          }
          answer_with_record(self, ctx, id, false, respond);
        },
        answer_error(self, respond));
  });
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
    respond(method_not_allowed(req.method));
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
  assign_identity(tr);
  submit(ctx, std::move(tr), std::get<double>(wait), std::move(respond));
}

void handle_requests(const std::shared_ptr<api_context>& ctx,
                     http::request& req, const std::vector<std::string>& seg,
                     const api::query_params& params,
                     http::responder& respond) {
  const auto& id = seg[3];
  if (seg.size() == 4 && id == "retry" && req.method == "POST") {
    retry_failed(ctx, params_of(req.target), std::move(respond));
    return;
  }
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
    respond(method_not_allowed(req.method));
  }
}

} // namespace

http::handler make_api_handler(std::shared_ptr<api_context> ctx) {
  return [ctx](http::request req, http::responder respond) {
    auto path = http::target_path(req.target);
    auto params = http::parse_query(req.target);
    auto seg = split_path(path);
    if (!route_known(req.method, path)) {
      if (path_known(path))
        respond(method_not_allowed(req.method));
      else
        respond(error_response(
          {404, "not_found", "no such endpoint: " + std::string{path}, ""}));
      return;
    }
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
