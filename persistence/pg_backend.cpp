#include "persistence/pg_backend.hpp"

#include "config/url_redaction.hpp"
#include "persistence/pg_alarms.hpp"
#include "persistence/pg_cluster.hpp"
#include "persistence/pg_journal.hpp"
#include "persistence/pg_offload.hpp"
#include "persistence/pg_ops.hpp"
#include "persistence/pg_secrets.hpp"

namespace usms::pg {

namespace {

class pg_backend : public storage::backend {
public:
  explicit pg_backend(std::string url)
      : url_(std::move(url)), health_(health_of(url_)) {}

  std::string describe() const override {
    return "PostgreSQL database "
           + mask_secrets(config::redact_url_password(url_), url_secrets(url_));
  }

  std::unique_ptr<storage::journal_store> open_journal() const override {
    return std::make_unique<pg_journal>(url_);
  }

  // Like SQLite's: the read side and the operator side share one
  // implementation, the reader never writes.
  std::unique_ptr<storage::read_store> open_reader() const override {
    return std::make_unique<pg_ops>(url_);
  }

  std::unique_ptr<storage::operator_store> open_operator() const override {
    return std::make_unique<pg_ops>(url_);
  }

  std::unique_ptr<storage::offload_store> open_offload() const override {
    return std::make_unique<pg_offload>(url_);
  }

  std::unique_ptr<storage::cluster_store> open_cluster() const override {
    return std::make_unique<pg_cluster>(url_);
  }

  std::unique_ptr<storage::alarm_store> open_alarms() const override {
    return std::make_unique<pg_alarms>(url_);
  }

  std::string readiness_problem() const override {
    // What the connections last saw; the reader checks once a second.
    return health_->problem();
  }

private:
  std::string url_;
  std::shared_ptr<health> health_;
};

} // namespace

std::shared_ptr<const storage::backend>
open_postgresql(const std::string& url) {
  return std::make_shared<pg_backend>(url);
}

} // namespace usms::pg
