#pragma once

#include "persistence/sqlite.hpp"

namespace usms::db {

/// Readies a connection: the durability pragmas (WAL, synchronous=FULL, no
/// automatic checkpoints on the commit path), then the schema upgraded to
/// this build's version (persistence/migrations.hpp). Every connection to
/// the gateway's database goes through it once, right after opening.
void prepare_database(database& db);

} // namespace usms::db
