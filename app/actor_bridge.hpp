#pragma once

/// The bridge from an I/O thread to the actors: each HTTP request that needs
/// an actor's answer gets one short-lived actor. The I/O thread only spawns
/// it; the bridge sends the requests, completes the responder exactly once
/// and quits, so no I/O thread ever waits for an actor.

#include <utility>

#include "api/http_answers.hpp"
#include "app/api_errors.hpp"
#include "caf/actor_system.hpp"
#include "caf/event_based_actor.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// Spawns a bridge actor that runs `start(self)` once. `start` sends the
/// bridge's requests; every way through them must end in `answer()` or an
/// `answer_error()` handler, or the bridge would live on.
template <class Start>
void spawn_bridge(caf::actor_system& sys, Start start) {
  // `start` goes in as the spawn argument: CAF 0.17 dereferences a null
  // argument tuple for lambdas spawned without one (UBSan reports it).
  sys.spawn(
    [](caf::event_based_actor* self, Start start) -> caf::behavior {
      start(self);
      return {};
    },
    std::move(start));
}

/// Completes the responder with `res` and ends the bridge.
inline void answer(caf::event_based_actor* self,
                   const http::responder& respond, http::response res) {
  respond(std::move(res));
  self->quit();
}

/// An error handler for a bridge's request: answers with the error mapped
/// by `from_error()` and ends the bridge.
inline auto answer_error(caf::event_based_actor* self,
                         http::responder respond) {
  return [self, respond = std::move(respond)](caf::error& err) {
    answer(self, respond, api::error_response(from_error(err)));
  };
}

/// Asks `dest` once with `msg...` and answers with `to_response(reply)`;
/// `Reply` is the type of `dest`'s answer.
template <class Reply, class Handle, class Timeout, class ToResponse,
          class... Ts>
void ask_once(caf::actor_system& sys, Handle dest, Timeout timeout,
              http::responder respond, ToResponse to_response, Ts... msg) {
  spawn_bridge(sys, [dest = std::move(dest), timeout,
                     respond = std::move(respond),
                     to_response = std::move(to_response),
                     msg...](caf::event_based_actor* self) {
    self->request(dest, timeout, msg...)
      .then(
        [self, respond, to_response](Reply& reply) {
          answer(self, respond, to_response(reply));
        },
        answer_error(self, respond));
  });
}

} // namespace usms::app
