#pragma once

/// The file janitor: every `offload.check_interval` it deletes offload
/// files and day folders older than `offload.retention` (none when
/// retention is disabled) and logs what it removed.

#include <memory>

#include "actors/cluster_board.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "offload/clock.hpp"
#include "offload/metrics.hpp"
#include "messages/caf/type_ids.hpp"

namespace usms {

/// `settings_atom` replaces the options; `sweep_atom` sweeps now and
/// answers what it removed.
using file_janitor_actor = caf::typed_actor<
  caf::reacts_to<settings_atom, offload::offload_options>,
  caf::replies_to<sweep_atom>::with<offload::janitor_report>>;

/// Spawns the janitor on a thread of its own. With `periodic` false it
/// sweeps only when asked (tests). With a `leader` board its periodic
/// sweeps run only while this instance leads the cluster.
file_janitor_actor
spawn_file_janitor(caf::actor_system& sys, offload::offload_options opts,
                   std::shared_ptr<offload::offload_clock> clock,
                   std::shared_ptr<offload::offload_metrics> metrics,
                   bool periodic = true,
                   std::shared_ptr<const cluster_board> leader = nullptr);

} // namespace usms
