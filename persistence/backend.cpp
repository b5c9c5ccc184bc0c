#include "persistence/backend.hpp"

#include <array>
#include <string_view>

#include "persistence/sqlite_backend.hpp"

namespace usms::storage {

namespace {

using opener = std::shared_ptr<const backend> (*)(const std::string&);

std::shared_ptr<const backend> postgresql_missing(const std::string&) {
  throw storage_error("storage: a PostgreSQL location needs the PostgreSQL "
                      "backend, which this build does not have");
}

/// URL schemes and the backend each selects. A location without one of
/// these schemes is a SQLite file path. A new backend is a new row here
/// and its implementation in this folder; no actor changes.
constexpr std::array<std::pair<std::string_view, opener>, 2> schemes{{
  {"postgresql://", postgresql_missing},
  {"postgres://", postgresql_missing},
}};

} // namespace

std::shared_ptr<const backend> open_backend(const std::string& location) {
  if (location.empty())
    throw storage_error("storage: no database location given");
  for (const auto& [scheme, open] : schemes)
    if (std::string_view{location}.substr(0, scheme.size()) == scheme)
      return open(location);
  return db::open_sqlite(location);
}

} // namespace usms::storage
