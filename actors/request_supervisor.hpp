#pragma once

#include <atomic>
#include <memory>

#include "actors/handles.hpp"
#include "caf/typed_actor.hpp"

namespace usms {

/// The actors a request supervisor works with.
struct supervisor_deps {
  journal_actor journal;
  dispatcher_actor dispatcher;
  intake_actor intake;
  std::shared_ptr<const pipeline_settings> settings;
  /// True while any reply route exists: then every outcome may need a
  /// reply, and the reply dispatcher decides.
  std::shared_ptr<const std::atomic<bool>> routes_configured;
};

/// Spawns the actor that carries one request from the queue to its outcome:
/// it owns the attempts, the backoff, the duplicate-safe lookups after an
/// ambiguous create, and the final journal write; then it tells the intake
/// (`done_atom`) and quits. `rec` may be a resumed request.
supervisor_actor spawn_request_supervisor(caf::actor_system& sys,
                                          request_record rec,
                                          supervisor_deps deps);

/// The SOAP call that performs `req` (what to do; the contract says how).
soap::call make_call(const ticket_request& req, int query_limit);

/// The call that asks USMS which tickets carry `req`'s ExternalReference.
soap::call make_lookup_call(const ticket_request& req, int query_limit);

} // namespace usms
