#pragma once

/// The read side and the operator's tables on SQLite (see
/// persistence/read_store.hpp and persistence/operator_store.hpp): the
/// status table paged and filtered, the Number of Incidents trend, the
/// request queue, one request, reply routes and the values saved at run
/// time, and the WAL's housekeeping. Throws sqlite_error.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "messages/ops_queries.hpp"
#include "persistence/filters.hpp"
#include "persistence/operator_store.hpp"
#include "persistence/sqlite.hpp"

namespace usms::db {

class ops_db : public storage::operator_store {
public:
  /// Opens or creates the database file; throws sqlite_error.
  explicit ops_db(const std::string& path);
  ~ops_db() override;
  ops_db(const ops_db&) = delete;
  ops_db& operator=(const ops_db&) = delete;

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

  /// A PASSIVE checkpoint (never blocks the journal); once the log stayed
  /// the same for a call and is all copied, a TRUNCATE that gives its disk
  /// space back.
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
  /// Every row of a key → value table.
  std::map<std::string, std::string> key_values(const char* table);
  /// A statement prepared once per distinct SQL text.
  statement& cached(const std::string& sql);

  database db_;
  std::map<std::string, std::unique_ptr<statement>> cache_;
  /// WAL frames at the last maintain(): unchanged and all copied = idle.
  int last_log_frames_ = -1;
};

} // namespace usms::db
