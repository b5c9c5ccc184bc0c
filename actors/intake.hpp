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

/// Fills in what admission decides when `req` does not carry it yet: a new
/// id (make_request_id), the acceptance time (now), and for a create the
/// ExternalReference USMS stores with the ticket, by which a lookup finds
/// it after an ambiguous answer: the correlation id, else the request id.
/// The intake calls it for every request it admits; the HTTP API calls it
/// first so that its 202 answer shows the values the journal will hold.
void assign_identity(ticket_request& req);

} // namespace usms
