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

/// Throws storage_error when the database's `version` is newer than the
/// `latest` step this build knows: a newer release made it.
void check_known_version(int version, int latest);

/// The upgrade both backends run. Each step of `steps` the database lacks,
/// in order, inside `in_step(fn)` (a write transaction of its own, with
/// the backend's locks and the versions table made): `version()` reads the
/// recorded version again there, and `apply(step)` runs the step and
/// records it. Returns how many steps it applied (0: up to date, one read).
/// Throws storage_error for a newer database or steps with gaps.
template <class Version, class InStep, class Apply>
int apply_missing_steps(const std::vector<migration>& steps, Version version,
                        InStep in_step, Apply apply) {
  int latest = steps.empty() ? 0 : steps.back().version;
  // The common case, every connection's open: up to date, read only.
  auto current = version();
  check_known_version(current, latest);
  if (current == latest)
    return 0;
  int applied = 0;
  for (const auto& step : steps)
    // Another connection may be upgrading at the same time: each step
    // checks the version again inside its write transaction.
    in_step([&] {
      current = version();
      check_known_version(current, latest);
      if (step.version <= current)
        return;
      if (step.version != current + 1)
        throw storage::storage_error(
          "schema step " + std::to_string(step.version) + " follows version "
          + std::to_string(current)
          + ": the steps must be numbered without gaps");
      apply(step);
      ++applied;
    });
  return applied;
}

/// Version 3's statements (the alarm tables), which run unchanged on
/// PostgreSQL too.
const char* alarms_step_sql();

/// The SQLite schema, oldest step first. A change to the schema is a new
/// entry at the end; a released entry is never edited.
const std::vector<migration>& schema_migrations();

/// The highest step recorded in `db`; 0 for a fresh file and for one made
/// before versions were recorded (whose tables are version 1's).
int schema_version(database& db);

/// Applies the steps of `steps` that `db` does not have yet, each in a
/// transaction of its own, and returns how many it applied (0: up to date,
/// no write at all). Throws sqlite_error when a step fails (that step is
/// rolled back; the ones before it stay), storage_error when `db` has a
/// step this list does not know (a newer gateway made it).
int migrate(database& db,
            const std::vector<migration>& steps = schema_migrations());

} // namespace usms::db
