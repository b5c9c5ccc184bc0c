#pragma once

#include <string>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the journal on a thread of its own (SQLite blocks). Throws
/// db::sqlite_error when the database cannot be opened.
journal_actor spawn_journal(caf::actor_system& sys, const std::string& path);

} // namespace usms
