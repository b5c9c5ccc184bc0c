#pragma once

#include <atomic>
#include <memory>

#include "actors/handles.hpp"
#include "actors/usms_board.hpp"
#include "caf/typed_actor.hpp"

namespace usms {

/// The actors and shared views the intake works with.
struct intake_deps {
  journal_actor journal;
  /// Reads requests back when they are activated, and the backlog's index
  /// at start.
  reader_actor reader;
  dispatcher_actor dispatcher;
  reply_actor replies;
  std::shared_ptr<const std::atomic<bool>> routes_configured;
  /// Where the intake publishes how many requests are held.
  std::shared_ptr<usms_board> board;
};

/// Spawns the intake: it journals each request before acknowledging it,
/// bounds the unfinished requests (`max_pending`), keeps a small index of
/// every unfinished one, and activates them as supervised actors in drain
/// order (writes before queries, oldest first, one at a time per
/// ExternalReference or ticket) while USMS is available and at most
/// `active_window` are active; the rest wait in the journal (passivated).
/// It restarts a supervisor that crashed, fails requests past
/// soap.give_up_after, and answers `?wait=` callers.
intake_actor spawn_intake(caf::actor_system& sys, intake_deps deps,
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
