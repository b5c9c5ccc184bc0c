#pragma once

/// The read side and the operator's tables on PostgreSQL (see
/// persistence/read_store.hpp and persistence/operator_store.hpp). Throws
/// pg_error.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "persistence/operator_store.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

class pg_ops : public storage::operator_store {
public:
  /// Connects to `url` and upgrades the schema; throws pg_error.
  explicit pg_ops(const std::string& url);

  // -- read side ------------------------------------------------------------

  std::optional<request_record> request(const std::string& id) override;
  std::vector<request_record>
  requests_by_seq(const std::vector<int64_t>& seqs) override;
  std::vector<index_row> unfinished_index(request_state state,
                                          int64_t after_seq,
                                          int32_t limit) override;
  queue_page queue(const queue_filter& f) override;
  status_page status(const status_filter& f) override;
  int64_t status_entries() override;
  std::vector<trend_sample> trend(int64_t since, int64_t until,
                                  int64_t max = 100000) override;

  /// The server keeps its own log: here a cheap check, once a second, that
  /// the database takes writes (reachable, not a standby), which is what
  /// readiness then reports. A lost connection is reopened on the way.
  void maintain() override;

  // -- operator tables ------------------------------------------------------

  void add_trend_sample(int64_t at, int64_t count) override;
  int64_t prune_trend(int64_t before) override;
  std::vector<reply_route> routes() override;
  std::optional<std::string> route(const std::string& source) override;
  void put_route(const std::string& source, const std::string& url) override;
  bool delete_route(const std::string& source) override;
  std::map<std::string, std::string> runtime_config() override;
  std::map<std::string, std::string> save_runtime_config(
      const std::map<std::string, std::string>& values) override;
  void replace_runtime_config(
      const std::map<std::string, std::string>& values) override;
  std::map<std::string, std::string> shared_state() override;
  void put_shared_state(const std::string& key,
                        const std::string& value) override;

private:
  connection c_;
};

/// `{1,2,3}`: a bigint array parameter.
std::string bigint_array(const std::vector<int64_t>& values);

} // namespace usms::pg
