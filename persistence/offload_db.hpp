#pragma once

/// The offload's bookkeeping on SQLite (see persistence/offload_store.hpp),
/// on a write connection of its own. Throws sqlite_error.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/offload_store.hpp"
#include "persistence/sqlite.hpp"

namespace usms::db {

class offload_db : public storage::offload_store {
public:
  /// Opens (creating) the database; throws sqlite_error.
  explicit offload_db(const std::string& path);
  ~offload_db() override;

  int64_t count_rows() override;
  std::vector<storage::offload_batch> pending_batches() override;
  std::optional<storage::offload_batch>
  mark_batch(int64_t limit, const planner& plan, int64_t now_ms) override;
  std::vector<status_row> batch_rows(int64_t batch) override;
  int64_t complete_batch(int64_t batch) override;
  int64_t abandon_batch(int64_t batch) override;

private:
  database db_;
  struct statements;
  std::unique_ptr<statements> st_;
};

} // namespace usms::db
