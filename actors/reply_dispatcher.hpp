#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/handles.hpp"

namespace usms::http {
class client;
} // namespace usms::http

namespace usms {

/// Spawns the reply dispatcher on a thread of its own (it reads routes and
/// journals delivery states in SQLite). `routes_configured` is kept true
/// while any reply route exists, so that finishing requests know whether a
/// reply may be due. `retries` is `reply.retries`.
reply_actor spawn_reply_dispatcher(
  caf::actor_system& sys, const std::string& db_path,
  std::shared_ptr<http::client> client,
  std::shared_ptr<std::atomic<bool>> routes_configured, int32_t retries);

/// The webhook body for a finished request (SPEC section 4).
std::string reply_body(const request_record& rec);

} // namespace usms
