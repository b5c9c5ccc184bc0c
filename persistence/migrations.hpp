#pragma once

/// The schema's versions. Each version is one numbered step; the database
/// records the steps it has (table `schema_migrations`), and opening it
/// applies the missing ones in order, so a database made by an older
/// gateway is upgraded at start.

#include <string>
#include <vector>

#include "persistence/sqlite.hpp"

namespace usms::db {

/// One step of the schema, applied once inside one transaction together
/// with the row that records it.
struct migration {
  int version;          ///< 1, 2, 3 … in order, without gaps
  std::string name;     ///< what the step adds, recorded with it
  std::string sql;      ///< its statements (SQLite dialect)
};

/// The SQLite schema, oldest step first. A change to the schema is a new
/// entry at the end; a released entry is never edited.
const std::vector<migration>& schema_migrations();

/// The highest step recorded in `db`; 0 for a fresh file and for one made
/// before versions were recorded (whose tables are version 1's).
int schema_version(database& db);

/// Applies the steps of `steps` that `db` does not have yet, each in a
/// transaction of its own, and returns how many it applied (0: up to date,
/// no write at all). Throws sqlite_error when a step fails (that step is
/// rolled back; the ones before it stay) or when `db` has a step this list
/// does not know (a newer gateway made it).
int migrate(database& db,
            const std::vector<migration>& steps = schema_migrations());

} // namespace usms::db
