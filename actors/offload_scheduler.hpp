#pragma once

/// The offload scheduler: every `offload.check_interval` it moves the
/// status table's oldest rows to CSV when the table holds more than
/// `offload.max_entries` rows (docs/offload.md). It settles a batch that a
/// crash interrupted at its first check, right after spawn.

#include <memory>
#include <string>

#include "actors/cluster_board.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "offload/clock.hpp"
#include "offload/metrics.hpp"
#include "messages/caf/type_ids.hpp"

namespace usms {

/// `settings_atom` replaces the options (effective from the next check);
/// `offload_atom` runs one check now and answers what it did.
using offload_scheduler_actor = caf::typed_actor<
  caf::reacts_to<settings_atom, offload::offload_options>,
  caf::replies_to<offload_atom>::with<offload::offload_report>>;

/// Spawns the scheduler on a thread of its own with its own write
/// connection to `db_path`. With `periodic` false it checks only when
/// asked (tests). With a `leader` board its periodic checks run only while
/// this instance leads the cluster.
offload_scheduler_actor
spawn_offload_scheduler(caf::actor_system& sys, const std::string& db_path,
                        offload::offload_options opts,
                        std::shared_ptr<offload::offload_clock> clock,
                        std::shared_ptr<offload::offload_metrics> metrics,
                        bool periodic = true,
                        std::shared_ptr<const cluster_board> leader = nullptr);

} // namespace usms
