#pragma once

/// The offload's bookkeeping on PostgreSQL (see
/// persistence/offload_store.hpp), on a connection of its own. Throws
/// pg_error.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/offload_store.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

class pg_offload : public storage::offload_store {
public:
  /// Connects to `url` and upgrades the schema; throws pg_error.
  explicit pg_offload(const std::string& url);

  int64_t count_rows() override;
  std::vector<storage::offload_batch> pending_batches() override;
  std::optional<storage::offload_batch>
  mark_batch(int64_t limit, const planner& plan, int64_t now_ms) override;
  std::vector<status_row> batch_rows(int64_t batch) override;
  int64_t complete_batch(int64_t batch) override;
  int64_t abandon_batch(int64_t batch) override;

private:
  connection c_;
};

} // namespace usms::pg
