#pragma once

#include "persistence/sqlite.hpp"

namespace usms::db {

/// Sets the durability pragmas (WAL, synchronous=FULL, no automatic
/// checkpoints on the commit path) and creates or upgrades the tables.
void prepare_database(database& db);

/// Pragmas for a read-side connection of the same file.
void prepare_reader(database& db);

} // namespace usms::db
