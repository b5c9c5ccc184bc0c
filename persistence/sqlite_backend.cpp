#include "persistence/sqlite_backend.hpp"

#include <unistd.h>

#include <filesystem>

#include "persistence/alarm_db.hpp"
#include "persistence/journal_db.hpp"
#include "persistence/offload_db.hpp"
#include "persistence/ops_db.hpp"
#include "persistence/solo_cluster.hpp"

namespace usms::db {

namespace {

class sqlite_backend : public storage::backend {
public:
  explicit sqlite_backend(std::string path) : path_(std::move(path)) {}

  std::string describe() const override {
    return "SQLite database " + path_;
  }

  std::unique_ptr<storage::journal_store> open_journal() const override {
    return std::make_unique<journal_db>(path_);
  }

  // The read side and the operator side share one implementation: the
  // reader simply never writes.
  std::unique_ptr<storage::read_store> open_reader() const override {
    return std::make_unique<ops_db>(path_);
  }

  std::unique_ptr<storage::operator_store> open_operator() const override {
    return std::make_unique<ops_db>(path_);
  }

  std::unique_ptr<storage::offload_store> open_offload() const override {
    return std::make_unique<offload_db>(path_);
  }

  // One instance uses a file: it owns every request.
  std::unique_ptr<storage::cluster_store> open_cluster() const override {
    auto ops = std::make_shared<ops_db>(path_);
    return std::make_unique<storage::solo_cluster>([ops] {
      queue_filter all;
      all.limit = 1;
      return ops->queue(all).total;
    });
  }

  std::unique_ptr<storage::alarm_store> open_alarms() const override {
    return std::make_unique<alarm_db>(path_);
  }

  std::string readiness_problem() const override {
    // The file, and its folder for the WAL and its index, must stay
    // writable; a failed commit is reported by the journal itself.
    auto dir = std::filesystem::path(path_).parent_path();
    if (dir.empty())
      dir = ".";
    if (::access(path_.c_str(), W_OK) != 0
        || ::access(dir.c_str(), W_OK) != 0)
      return "the database file or its folder is not writable";
    return {};
  }

private:
  std::string path_;
};

} // namespace

std::shared_ptr<const storage::backend> open_sqlite(const std::string& path) {
  return std::make_shared<sqlite_backend>(path);
}

} // namespace usms::db
