#pragma once

#include <atomic>
#include <memory>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the intake: it journals each request before acknowledging it,
/// bounds the unfinished requests (`max_pending`), runs creates that share
/// an ExternalReference one at a time, supervises one actor per request
/// (respawning one that crashed), and answers `?wait=` callers.
intake_actor spawn_intake(
  caf::actor_system& sys, journal_actor journal, dispatcher_actor dispatcher,
  reply_actor replies,
  std::shared_ptr<const std::atomic<bool>> routes_configured,
  pipeline_settings settings);

/// A new request id: time-ordered, unique within this process and across
/// restarts (milliseconds since the epoch, then a sequence number).
std::string make_request_id();

} // namespace usms
