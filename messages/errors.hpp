#pragma once

/// Error codes that cross actor boundaries (as `caf::error`s of category
/// "usms": see messages/caf/errors.hpp).

#include <cstdint>
#include <string>

namespace usms {

enum class gateway_errc : uint8_t {
  intake_full = 1, ///< too many unfinished requests: 503
  not_found,       ///< unknown request id: 404
  conflict,        ///< not possible in the request's state: 409
  storage,         ///< the database failed: 500
  shutting_down,   ///< the gateway is stopping: 503
  /// The database cannot be written now (disk full, read-only): 503, and
  /// nothing was journaled.
  storage_unavailable,
};

std::string to_string(gateway_errc x);

} // namespace usms
