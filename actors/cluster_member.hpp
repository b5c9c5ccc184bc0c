#pragma once

#include <functional>
#include <memory>
#include <string>

#include "actors/cluster_board.hpp"
#include "actors/handles.hpp"
#include "actors/usms_board.hpp"
#include "caf/typed_actor.hpp"
#include "persistence/cluster_store.hpp"

namespace usms {

/// What the cluster member works with. The instance has joined already
/// (under `token`, its lease on `board`): joining comes before the first
/// request is journaled.
struct cluster_member_deps {
  std::shared_ptr<storage::cluster_store> store;
  std::string instance_id;
  int64_t token = 0;
  int64_t lease_ms = 15000;
  /// Gets the claimed requests: `(claimed_atom, rows, complete)`, complete
  /// once the first claims after joining took everything there was.
  intake_actor intake;
  std::shared_ptr<cluster_board> board;
  /// How this instance sees USMS, recorded with each renewal.
  std::shared_ptr<const usms_board> usms;
  /// Called (on the member's thread) when the lease was taken over: this
  /// instance must stop; its requests are another's now.
  std::function<void()> on_lost;
  /// Called (on the member's thread, must not block) when the storage's
  /// shared version moved: another instance changed the runtime config,
  /// the reply routes or the shared state. Also after the first look.
  std::function<void()> on_shared_change;
};

/// Spawns the cluster member on a thread of its own (its storage blocks).
/// Every cluster.lease/3 it renews the lease; about every second (a third
/// of the lease when that is shorter) it claims requests nobody owns or
/// whose owner's lease expired, and takes those another instance journaled
/// for it, and hands them to the intake. `leave` hands this instance's
/// unfinished requests back (a clean stop) and answers how many.
cluster_member_actor spawn_cluster_member(caf::actor_system& sys,
                                          cluster_member_deps deps);

} // namespace usms
