#pragma once

/// The alarms' read connection on PostgreSQL (see
/// persistence/alarm_store.hpp). The journal writes them
/// (pg_journal::write_alarm).

#include <string>

#include "persistence/alarm_store.hpp"
#include "persistence/pg.hpp"

namespace usms::pg {

class pg_alarms : public storage::alarm_store {
public:
  /// Connects to `url` and upgrades the schema; throws pg_error.
  explicit pg_alarms(const std::string& url);

  std::optional<stored_alarm> alarm(const std::string& key) override;
  std::vector<stored_alarm>
  alarms(const std::vector<std::string>& keys) override;
  alarm_page list(const alarm_filter& f) override;
  std::vector<stored_alarm>
  by_tickets(const std::vector<std::string>& ticket_ids) override;
  std::vector<std::string> resolved_before(int64_t before,
                                           int32_t limit) override;
  alarm_startup startup() override;

private:
  connection c_;
};

} // namespace usms::pg
