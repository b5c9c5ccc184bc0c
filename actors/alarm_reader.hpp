#pragma once

#include <string>

#include "actors/handles.hpp"

namespace usms {

/// Spawns the alarms' read side on a thread of its own, with the alarm
/// connection of the storage location `db` (storage::open_backend): what
/// the API shows of alarms and what the alarm engine loads. Throws
/// storage::storage_error when the database cannot be opened.
alarm_reader_actor spawn_alarm_reader(caf::actor_system& sys,
                                      const std::string& db);

} // namespace usms
