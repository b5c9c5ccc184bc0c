#include "persistence/backend.hpp"

#include "persistence/pg_backend.hpp"
#include "persistence/sqlite_backend.hpp"

namespace usms::storage {

// A backend is a case here and its *_store implementations in this
// folder; the actors only ever pass a location along.
std::shared_ptr<const backend>
open_backend(const config::storage_target& target) {
  switch (target.backend) {
    case config::storage_backend::sqlite:
      if (target.location.empty())
        throw storage_error("storage: no database file given");
      return db::open_sqlite(target.location);
    case config::storage_backend::postgresql:
      return pg::open_postgresql(target.location);
  }
  throw storage_error(describe(target) + ": unknown storage backend");
}

std::shared_ptr<const backend> open_backend(const std::string& location) {
  if (auto target = config::storage_from_url(location))
    return open_backend(*target);
  return open_backend(config::storage_target{config::storage_backend::sqlite,
                                             location, "storage.db"});
}

} // namespace usms::storage
