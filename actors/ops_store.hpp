#pragma once

/// The operator side's store: a detached actor with the operator
/// connection of the storage that answers the status table, trend, queue,
/// reply-route and runtime-config queries, samples the Number of Incidents
/// every `trend.interval`, and tells the reply dispatcher every reply route
/// whenever they change.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/cluster_board.hpp"
#include "actors/handles.hpp"
#include "caf/fwd.hpp"
#include "caf/replies_to.hpp"
#include "messages/caf/type_ids.hpp"

namespace usms {

/// The operator store's typed interface.
///
/// - `(ops_status_atom, status_filter)` → a page of the status table.
/// - `(ops_status_atom)` → all status rows (the Number of Incidents).
/// - `(ops_trend_atom, since_ms, until_ms)` → samples in [since, until].
/// - `(ops_trend_atom, trend_settings)` → new sampler settings; samples now.
/// - `(ops_queue_atom, queue_filter)` → a page of the request queue.
/// - `(ops_route_atom)` → every route; `(ops_route_atom, get, source)` →
///   its url or ""; `(ops_route_atom, put, source, url)`;
///   `(ops_route_atom, delete, source)` → false when unknown.
/// - `(reply_route_atom, source)` → where a reply for `source` goes: its
///   route, else the default route `*`, else "" (for the reply dispatcher);
///   `(reply_route_atom)` tells the listener every route again (another
///   instance changed them).
/// - `(ops_config_atom)` → the saved runtime values;
///   `(ops_config_atom, put, values)` upserts them and answers what was saved
///   before; `(ops_config_atom, reset_atom, values)` makes the saved values
///   exactly `values` (empty: none).
/// - `(shared_atom)` → what every instance of a cluster applies (key →
///   value); `(shared_atom, put, key, value)` sets one of them.
using ops_store_actor = caf::typed_actor<
  caf::replies_to<ops_status_atom, status_filter>::with<status_page>,
  caf::replies_to<ops_status_atom>::with<int64_t>,
  caf::replies_to<ops_trend_atom, int64_t, int64_t>::with<trend_series>,
  caf::reacts_to<ops_trend_atom, trend_settings>,
  caf::replies_to<ops_queue_atom, queue_filter>::with<queue_page>,
  caf::replies_to<ops_route_atom>::with<route_list>,
  caf::replies_to<ops_route_atom, caf::get_atom, std::string>::with<
    std::string>,
  caf::replies_to<ops_route_atom, caf::put_atom, std::string,
                  std::string>::with<bool>,
  caf::replies_to<ops_route_atom, caf::delete_atom, std::string>::with<bool>,
  caf::replies_to<reply_route_atom, std::string>::with<std::string>,
  caf::reacts_to<reply_route_atom>,
  caf::replies_to<ops_config_atom>::with<runtime_values>,
  caf::replies_to<ops_config_atom, caf::put_atom, runtime_values>::with<
    runtime_values>,
  caf::replies_to<ops_config_atom, caf::reset_atom, runtime_values>::with<
    bool>,
  caf::replies_to<shared_atom>::with<runtime_values>,
  caf::replies_to<shared_atom, caf::put_atom, std::string, std::string>::with<
    bool>>;

/// Spawns the store on a thread of its own with the operator connection of
/// the storage location `db` (storage::open_backend; WAL: it reads while
/// the journal writes). It takes a first trend sample at once, then one per
/// `trend.interval` at whole multiples of it, and drops samples older than
/// `trend.keep`. It sends `route_listener` `(ops_route_atom, route_list)`
/// at once and after every route saved or deleted. Throws
/// storage::storage_error when the database cannot be opened. With a
/// `leader` board it samples only while this instance leads the cluster.
ops_store_actor spawn_ops_store(
  caf::actor_system& sys, const std::string& db, trend_settings trend,
  reply_actor route_listener,
  std::shared_ptr<const cluster_board> leader = nullptr);

/// The same without anyone to tell the routes (tests of the store).
ops_store_actor spawn_ops_store(caf::actor_system& sys, const std::string& db,
                                trend_settings trend);

} // namespace usms
