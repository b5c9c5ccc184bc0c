#pragma once

#include <atomic>
#include <memory>

#include "actors/cluster_board.hpp"
#include "actors/handles.hpp"
#include "actors/request_identity.hpp"
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
  /// This instance in the cluster: where the intake publishes how many
  /// requests it works on and reads the cluster's backlog; null when the
  /// storage is this instance's alone.
  std::shared_ptr<cluster_board> cluster;
  /// The requests come from the cluster member's claims (shared storage),
  /// not from resuming the journal's unfinished requests at start.
  bool claims_from_cluster = false;
};

/// Spawns the intake: it journals each request before acknowledging it,
/// bounds the unfinished requests (`max_pending`), keeps a small index of
/// every unfinished one, and activates them as supervised actors in drain
/// order (writes before queries, oldest first, one at a time per
/// ExternalReference or ticket) while USMS is available and at most
/// `active_window` are active; the rest wait in the journal (passivated).
/// It restarts a supervisor that crashed, fails requests past
/// soap.give_up_after, and answers `?wait=` callers. Alarm steps come
/// journaled with the alarm change that causes them, and the alarm engine
/// hears when each one finished.
intake_actor spawn_intake(caf::actor_system& sys, intake_deps deps,
                          pipeline_settings settings);

} // namespace usms
