#pragma once

#include <cstdint>
#include <vector>

#include "actors/handles.hpp"
#include "caf/typed_actor.hpp"

namespace usms {

/// The actors a sync run works with.
struct alarm_sync_deps {
  /// Carries the queries: each one acquires a slot like a request does,
  /// so the limits and the breaker apply, but none is in the queue or the
  /// status table.
  dispatcher_actor dispatcher;
  /// Finds the alarms of the tickets a page brought.
  alarm_reader_actor reader;
  /// Told what each page saw, and where the run ended.
  alarm_engine_actor engine;
};

/// Spawns one sync from USMS: for each of `cursors` (one per ticket type)
/// it asks QueryTickets for the tickets updated since the cursor, at most
/// `query_limit` a page, page after page until it has them all
/// (alarms/alarm_sync.hpp), and sends the engine `(sync_atom,
/// std::vector<alarm_sighting>)` for the tickets of a page that belong to
/// alarms. It ends, and sends `(sync_atom, std::vector<alarm_sync_cursor>)`
/// with where each type got, when it has all, or at the first query that
/// could not be made or answered (USMS not available, a fault): the next
/// run goes on from there.
void spawn_alarm_sync(caf::actor_system& sys, alarm_sync_deps deps,
                      std::vector<alarm_sync_cursor> cursors,
                      int32_t query_limit);

} // namespace usms
