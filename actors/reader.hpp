#pragma once

#include <string>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the read side on a thread of its own, with a read connection of
/// the storage location `db` (WAL lets it read while the journal writes).
/// Once a second it runs the storage's housekeeping on that connection
/// (SQLite: WAL checkpoints), which keeps that work off the journal's
/// commit path. Throws storage::storage_error when the database cannot be
/// opened.
reader_actor spawn_reader(caf::actor_system& sys, const std::string& db);

} // namespace usms
