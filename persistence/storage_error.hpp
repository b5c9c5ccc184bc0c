#pragma once

#include <stdexcept>
#include <string>

namespace usms::storage {

/// What a storage failure means for whoever asked.
enum class storage_fault {
  /// The database failed: a bug, corruption, a schema it does not know.
  failed,
  /// The database cannot be written now (its disk is full or read-only, an
  /// I/O error, a lock held too long): the same write may work later.
  unwritable,
};

/// Thrown by every storage implementation when the database fails (cannot
/// open, a statement fails, a schema it does not know). The owning actor
/// catches it and answers with an error value.
class storage_error : public std::runtime_error {
public:
  explicit storage_error(const std::string& what,
                         storage_fault fault = storage_fault::failed)
    : std::runtime_error(what), fault_(fault) {}

  storage_fault fault() const { return fault_; }

private:
  storage_fault fault_;
};

} // namespace usms::storage
