#pragma once

#include <memory>
#include <string>

#include "persistence/backend.hpp"

namespace usms::pg {

/// The PostgreSQL backend for the libpq URL `url`: each store on a
/// connection of its own, the schema created or upgraded by the first.
/// Opens no connection yet.
std::shared_ptr<const storage::backend> open_postgresql(const std::string& url);

} // namespace usms::pg
