#pragma once

/// The schema's versions on PostgreSQL: the same numbered steps as on
/// SQLite (persistence/migrations.hpp), each in PostgreSQL's dialect, and
/// recorded the same way in `schema_migrations`.

#include <vector>

#include "persistence/migrations.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

/// The PostgreSQL schema, oldest step first, version for version and name
/// for name the SQLite list's. A change to the schema is a new entry at
/// the end of both lists.
const std::vector<db::migration>& schema_migrations();

/// The highest step recorded; 0 for an empty database.
int schema_version(connection& c);

/// Applies the steps of `steps` the database does not have yet, each in a
/// transaction of its own that first takes a transaction-level advisory
/// lock: gateways starting at once on an empty database wait for each
/// other, and a step runs once. Returns how many it applied (0: up to
/// date, one read). Throws pg_error when a step fails (that step is rolled
/// back, DDL included) or when the database has a step this list does not
/// know.
int migrate(connection& c,
            const std::vector<db::migration>& steps = schema_migrations());

} // namespace usms::pg
