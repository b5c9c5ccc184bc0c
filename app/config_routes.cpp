#include "app/config_routes.hpp"

#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/http_answers.hpp"
#include "app/actor_bridge.hpp"
#include "caf/send.hpp"
#include "config/keys.hpp"
#include "config/runtime_patch.hpp"

namespace usms::app {

namespace {

using api::error_response;
using api::json_response;

/// A failure of apply_patch as a 400 naming the key.
api::api_error config_error(const usms::failure& f) {
  if (f.code == "malformed")
    return {400, "malformed_json", f.message, ""};
  return api::bad_field(f.code, f.message);
}

/// The dotted key a refusal of apply_config starts with (`usms.proxy: …`),
/// or "" when it names none.
std::string key_of(const std::string& message) {
  auto colon = message.find(':');
  if (colon == std::string::npos)
    return {};
  auto key = message.substr(0, colon);
  return config::find_key(key) ? key : std::string{};
}

std::string joined(const std::vector<std::string>& keys) {
  std::string out;
  for (auto& k : keys)
    out += (out.empty() ? "" : ", ") + k;
  return out;
}

/// Saves the runtime values, then puts the settings in force; when that
/// fails, puts the saved values back as they were. Calls `gate->done()`
/// once it has answered.
void put_config(std::shared_ptr<ops_context> ctx,
                std::shared_ptr<config_gate> gate, std::string body,
                http::responder respond) {
  auto patch = config::apply_patch(ctx->get_config(), body);
  if (!patch) {
    respond(error_response(config_error(patch.error())));
    gate->done();
    return;
  }
  if (patch->runtime_json.empty()) {
    // Only echoes of what is in force: nothing to save or apply.
    respond(json_response(200, config::to_json(patch->updated)));
    gate->done();
    return;
  }
  spawn_bridge(*ctx->sys, [ctx, gate, respond, patch = std::move(*patch)](
                            caf::event_based_actor* self) {
    auto reply = [self, gate, respond](http::response res) {
      respond(std::move(res));
      gate->done();
      self->quit();
    };
    self
      ->request(ctx->store, ops_store_timeout, ops_config_atom_v,
                caf::put_atom_v, runtime_values{patch.runtime_json})
      .then(
        [self, ctx, patch, reply](runtime_values& before) {
          auto err = ctx->apply_config(patch.updated, patch.runtime_json);
          if (err.empty()) {
            if (!patch.changed_keys.empty())
              spdlog::info("configuration changed at run time: {}",
                           joined(patch.changed_keys));
            caf::anon_send(ctx->store, ops_trend_atom_v,
                           trend_from(patch.updated.values));
            reply(json_response(200, config::to_json(patch.updated)));
            return;
          }
          spdlog::warn("configuration change refused: {}", err);
          auto refusal = error_response(api::bad_field(key_of(err), err));
          self
            ->request(ctx->store, ops_store_timeout, ops_config_atom_v,
                      caf::reset_atom_v, before)
            .then([reply, refusal](bool) { reply(refusal); },
                  [reply, refusal](caf::error& e) {
                    spdlog::error("could not restore the saved settings: {}",
                                  to_string(e));
                    reply(refusal);
                  });
        },
        [reply](caf::error& err) {
          reply(error_response(from_error(err)));
        });
  });
}

} // namespace

void handle_config(const std::shared_ptr<ops_context>& ctx,
                   const std::shared_ptr<config_gate>& gate,
                   http::request& req, http::responder respond) {
  if (req.method == "GET") {
    respond(json_response(200, config::to_json(ctx->get_config())));
  } else if (req.method == "PUT") {
    gate->run([ctx, gate, body = std::move(req.body),
               respond = std::move(respond)]() mutable {
      put_config(ctx, gate, std::move(body), std::move(respond));
    });
  } else {
    respond(method_not_allowed(req.method, "GET, PUT"));
  }
}

} // namespace usms::app
