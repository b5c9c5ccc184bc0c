#pragma once

/// One gateway instance as GET /api/v1/cluster shows it.

#include <cstdint>
#include <string>
#include <vector>

namespace usms {

struct cluster_instance {
  std::string id;
  int64_t started_at = 0;   ///< unix ms
  int64_t heartbeat_at = 0; ///< unix ms: its last lease renewal
  int64_t owned = 0;        ///< unfinished requests it owns
  std::string usms;         ///< how it sees USMS (`up`, `down`, ...)
  bool leads = false;       ///< it runs the offload, janitor and trend
};

/// Every live instance, oldest first.
struct cluster_view {
  std::vector<cluster_instance> instances;
  /// The instance that answered.
  std::string self;
};

} // namespace usms
