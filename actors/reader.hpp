#pragma once

#include <string>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the read side on a thread of its own, with its own connection
/// (WAL lets it read while the journal writes). It also checkpoints the WAL
/// now and then, which keeps checkpoints off the journal's commit path.
reader_actor spawn_reader(caf::actor_system& sys, const std::string& path);

} // namespace usms
