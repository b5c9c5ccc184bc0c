#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/handles.hpp"

namespace usms::http {
class client;
} // namespace usms::http

namespace usms {

/// Spawns the reply dispatcher. It owns no database connection: the
/// journal gives it the deliveries still due after a restart
/// (`start_atom` asks) and records its delivery states in batches; the ops
/// store tells it the reply routes (`ops_route_atom`), and until it has
/// done so once, replies that need a route wait. `routes_configured` is
/// kept true while any reply route exists, so that finishing requests know
/// whether a reply may be due. `retries` is `reply.retries`.
reply_actor spawn_reply_dispatcher(
  caf::actor_system& sys, journal_actor journal,
  std::shared_ptr<http::client> client,
  std::shared_ptr<std::atomic<bool>> routes_configured, int32_t retries);

/// The webhook body for a finished request, as docs/design.md describes it.
std::string reply_body(const request_record& rec);

} // namespace usms
