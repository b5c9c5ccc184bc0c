#pragma once

#include <memory>
#include <string>

#include "persistence/backend.hpp"

namespace usms::db {

/// The SQLite backend for the database file `path` (created at the first
/// open when missing): every connection in WAL mode, so the journal writes
/// while the others read.
std::shared_ptr<const storage::backend> open_sqlite(const std::string& path);

} // namespace usms::db
