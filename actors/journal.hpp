#pragma once

#include <string>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the journal on a thread of its own (the storage blocks), with the
/// journal connection of the storage location `db` (storage::open_backend).
/// Throws storage::storage_error when the database cannot be opened.
journal_actor spawn_journal(caf::actor_system& sys, const std::string& db);

} // namespace usms
