#pragma once

#include <stdexcept>

namespace usms::storage {

/// Thrown by every storage implementation when the database fails (cannot
/// open, a statement fails, a schema it does not know). The owning actor
/// catches it and answers with an error value.
class storage_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

} // namespace usms::storage
