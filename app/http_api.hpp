#pragma once

/// The HTTP API (SPEC section 4) as an `http::handler`: routes, validation
/// on the I/O thread, and one short-lived bridge actor per request that
/// talks to the pipeline and completes the responder.

#include <atomic>
#include <memory>

#include "actors/handles.hpp"
#include "caf/typed_actor.hpp"
#include "transport/http_server.hpp"

namespace usms::app {

/// Values the API reads on every request and that may change at run time.
struct live_rules {
  std::atomic<int> api_version{2};
  std::atomic<int> query_limit{100};
  /// Set when the gateway is stopping: intake answers 503.
  std::atomic<bool> draining{false};
};

struct api_context {
  caf::actor_system* sys = nullptr;
  intake_actor intake;
  reader_actor reader;
  std::shared_ptr<live_rules> rules;
};

http::handler make_api_handler(std::shared_ptr<api_context> ctx);

} // namespace usms::app
